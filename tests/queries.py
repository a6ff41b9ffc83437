"""Query counting for list pages: the count must not grow with the data."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def assert_constant_queries(client, url, grow, small=5, large=200):
    """Measure ``url`` after ``grow(small)`` and again after ``grow(large - small)`` more rows.
    One request first: a fresh session's one-off writes are not the page's cost."""
    client.get(url)
    grow(small)
    before = queries_for(client, url)
    grow(large - small)
    after = queries_for(client, url)
    assert after == before, f"{url}: {before} queries with {small} rows, {after} with {large}"
    return before
