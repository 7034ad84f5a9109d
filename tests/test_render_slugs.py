"""File names of the client pages (relhealth.render.slugs)."""
from relhealth.render.slugs import assign_slugs, slugify


def test_slugs_are_safe_readable_and_unique():
    assert slugify("ООО «Северный ветер»") == "ooo-severnyy-veter"
    assert slugify("Maison Duval & Fils") == "maison-duval-fils"
    assert slugify("Café Zürich") == "cafe-zurich"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("CON") == "con-client"
    assert slugify("!!!") == "client"
    assert len(slugify("x" * 300)) == 60
    slugs = assign_slugs(["Acme Ltd", "ACME, Ltd.", "Beta"])
    assert slugs["Beta"] == "beta"
    # the two share acme-ltd: in case-folded order, "acme ltd" before "acme, ltd.", the second numbered
    assert (slugs["Acme Ltd"], slugs["ACME, Ltd."]) == ("acme-ltd", "acme-ltd-2")
    assert assign_slugs(["Beta", "ACME, Ltd.", "Acme Ltd"]) == slugs       # the order of the names does not matter
