"""The Parquet lake: Hive-partitioned, append-only, every file written whole."""

from boundary_ray.lake.writer import ParquetLakeWriter, write_rows, write_table

__all__ = ["ParquetLakeWriter", "write_rows", "write_table"]
