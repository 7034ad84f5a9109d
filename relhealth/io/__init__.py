"""Reading a data folder into canonical frames (DESIGN section 2). Knows no metric."""
from relhealth.io.quality import DataQuality, QualityNote
from relhealth.io.reader import Dataset, FileInfo, read_dataset

__all__ = ["Dataset", "DataQuality", "FileInfo", "QualityNote", "read_dataset"]
