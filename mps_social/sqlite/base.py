"""Django's SQLite backend, told the real limit on parameters per query.

Django assumes SQLite's old compile-time default of 999 and splits every bulk insert and
``IN`` list into batches of that size, so a set-based job (the nightly audit opening
thousands of findings in one insert) costs more queries the more rows it touches. The
SQLite shipped with Python for years allows far more (32,766 since 3.32); this backend
asks the library for its limit, capped, and is otherwise Django's own.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features

CAP = 32_766


def _library_limit() -> int:
    connection = sqlite3.connect(":memory:")
    try:
        return min(connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER), CAP)
    finally:
        connection.close()


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = _library_limit()


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
