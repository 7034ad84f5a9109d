"""Reading a data folder into canonical frames (DESIGN section 2). Knows no metric."""
from relhealth.io.dataset import Dataset, FileInfo
from relhealth.io.folder import read_dataset
from relhealth.io.quality import DataQuality, QualityNote

__all__ = ["DataQuality", "Dataset", "FileInfo", "QualityNote", "read_dataset"]
