"""Files in and out: registry exports read in blocks, scored, and written atomically.

* :mod:`~jia_teach.io.csvfile` - CSV blocks with the true line of every record;
* :mod:`~jia_teach.io.tablefile` - CSV, Excel and Parquet inputs by extension;
* :mod:`~jia_teach.io.excelfile`, :mod:`~jia_teach.io.parquetfile` - those two formats;
* :mod:`~jia_teach.io.csvwrite` - CSV out from parsed values, one dialect, formulas escaped;
* :mod:`~jia_teach.io.scorefile` - :func:`jia_teach.score_file`, the CLI's whole pipeline;
* :mod:`~jia_teach.io.atomic` - output files that appear whole or not at all;
* :mod:`~jia_teach.io.distributed` - Parquet folders and Dask data frames.
"""
