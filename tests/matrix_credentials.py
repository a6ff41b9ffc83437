"""Authorization rows of the escrow's pages (R-III-E)."""

CREDENTIAL_ROWS = {}
