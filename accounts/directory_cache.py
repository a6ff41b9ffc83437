"""The public directory's cache: its feed, the schools and platforms its filters list,
its counts and its school filter's rendered field (``_directory_filters.html``), rebuilt
only when the registry changes (``mps_social.versioned_cache``: saving or deleting an
account, a platform, an org unit or a protected name). The public pages' whole responses
follow its version (``page_cache``).

The feed (R-III-F) is what every school website's embed fetches, so it is the portal's
busiest address, and at the largest district's scale its body is twenty thousand rows:
it is built once per change and each web process holds it in memory
(``VersionedCache.held``), so a request costs a read of the version token. Entries
expire after ``views_feed.FEED_MAX_AGE`` at most, the staleness browsers and proxies are
already allowed by the feed's Cache-Control.
"""

from mps_social.versioned_cache import VersionedCache
from people.models import OrgUnit

from .models import OfficialAccount, Platform, ProtectedName

directory = VersionedCache("directory")
cached, held = directory.cached, directory.held


def connect() -> None:
    directory.watch(OfficialAccount, Platform, OrgUnit, ProtectedName)
