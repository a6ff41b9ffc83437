"""Django's SQLite backend, told the real limit on parameters per query.

Django assumes SQLite's old compile-time default of 999 and splits every bulk insert and
``IN`` list into batches of that size, so a set-based job (the nightly audit opening
thousands of findings in one insert) costs more queries the more rows it touches. The
SQLite shipped with Python for years allows far more (32,766 since 3.32); this backend
asks the library for its limit, capped, and is otherwise Django's own.

It also keeps values beyond SQLite's integers out of ``IN`` lists (``IntegerFieldIn``).
"""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.db.models import IntegerField
from django.db.models.lookups import In

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


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """``in`` on an integer column, leaving out values beyond the column's range: they
    match no row, as Django's own ``exact`` already treats them, where SQLite's driver
    raises OverflowError (an admin form posted with an id of 2**63 answered 500; found
    by tests/test_fuzz.py). PostgreSQL compares such a value and finds nothing."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [value for value in self.rhs if not isinstance(value, int)
                        or ((low is None or value >= low) and (high is None or value <= high))]
        return super().process_rhs(compiler, connection)
