"""The metrics joined into what the pages show: the month review (DESIGN section 5), the portfolio and each
client's report, all read from one scored bundle (:func:`score`)."""
from relhealth.review.client import ClientReport, client_report, report_of
from relhealth.review.clients import default_month, find_client, review_clients
from relhealth.review.portfolio import PortfolioReport, portfolio, portfolio_of, portfolio_report, quadrant_of
from relhealth.review.scoring import Scored, month_review, score

__all__ = ["ClientReport", "PortfolioReport", "Scored", "client_report", "default_month", "find_client",
           "month_review", "portfolio", "portfolio_of", "portfolio_report", "quadrant_of", "report_of",
           "review_clients", "score"]
