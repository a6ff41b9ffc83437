"""One canonical form for every way a person writes an account's address.

Policy 4038 §III.A: only the district's approved accounts may use its names, so the
portal has to answer "is this account official?" whatever was pasted: a profile URL
with or without "www.", "m.", a scheme, tracking queries or a trailing slash, an
"@handle", or a bare handle. R-III-A: the registry compares ``Normalized.key``, so two
spellings of one account can never be registered twice, nor one slip past a look-up.

Pure Python: no network, and no database when the platforms are handed in.

Rules decided here (the tests hold them):

- A URL that names its account reads as that account, even when it points at one of
  its posts (``x.com/name/status/1``). One that does not name it (``instagram.com/p/…``,
  ``youtu.be/…``, ``youtube.com/watch?v=…``, ``flic.kr/…``) is None: knowing its account
  would take the network.
- Keys of plain handles are the lower-cased handle, so a bare "@name" can be looked up
  across platforms. Other kinds of address carry a prefix: Facebook numeric ids
  ``id:<digits>`` (from ``profile.php?id=``, ``/people/…/<id>``, ``/p/Name-<id>``) and
  groups ``group:<name>``; YouTube ``channel:<id>``, ``c:<name>`` (also for the legacy
  ``youtube.com/<name>``) and ``user:<name>``; LinkedIn ``company:``, ``school:`` and
  ``showcase:``; Google Sites ``site:<name>`` (classic) and ``<domain>/<name>``
  (Workspace sites). ``handle`` is then the bare id or name.
- Facebook ignores periods and case in user names, so its key drops the periods.
- Instagram, Threads, TikTok, Tumblr, Blogger, WordPress.com, LinkedIn and Google Sites
  show names in lower case, so ``handle`` is lower-cased there; elsewhere it keeps the
  case it was written in.
- LinkedIn ``/in/…`` is a person (R-IV-A: the portal records no personal accounts): None.
- A bare handle given with ``platform=`` LinkedIn is a company page; with YouTube it is
  an @handle, unless it is exactly a channel id (``UC`` and 22 more characters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .models import Platform

MAX_INPUT = 2048
# The registry's columns (OfficialAccount.handle, handle_key, url).
MAX_HANDLE, MAX_KEY, MAX_URL = 150, 160, 300

# Prefixes that name the same site ("www.instagram.com", "m.facebook.com", "mobile.twitter.com").
_SAME_SITE_PREFIXES = ("www.", "m.", "mobile.")
# Hosts a platform answers to even if its catalogue row forgets them.
_ALIAS_HOSTS = {"x": ("x.com", "twitter.com")}
# Hosts that make a dotted bare text read as an address rather than as a handle such as
# "roosevelt.teddies"; the catalogue's own hosts count too.
_WELL_KNOWN_HOSTS = (
    "facebook.com", "fb.com", "x.com", "twitter.com", "instagram.com", "instagr.am", "youtube.com", "youtu.be",
    "linkedin.com", "flickr.com", "flic.kr", "tumblr.com", "tiktok.com", "threads.net", "threads.com",
    "pinterest.com", "blogspot.com", "blogger.com", "wordpress.com", "sites.google.com",
)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True)
class Normalized:
    platform_slug: str | None  # which seeded platform the input belongs to, None when unknown
    handle: str  # canonical handle as displayed, without "@"
    key: str  # comparison key: lower-case, what uniqueness and look-ups use
    url: str  # canonical profile URL ("" for a bare handle with no platform or template)


def normalize(
    text: str, platforms: Iterable[Platform] | None = None, *, platform: Platform | None = None
) -> Normalized | None:
    """Read ``text`` as an account address and give its canonical form, or None.

    With ``platform`` the text is that platform's handle or URL (another site's URL is
    None). Without it a URL's host picks the platform from ``platforms`` (default: the
    whole catalogue), and a bare handle comes back with no platform so callers can look
    its key up everywhere (Policy 4038 §III.A). Never raises on bad input.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT:
        return None
    text = text.strip().strip(_INVISIBLE).strip()
    if not text or any(ch.isspace() or not ch.isprintable() for ch in text):
        return None
    candidates = [platform] if platform is not None else None
    if candidates is None and platforms is not None:
        candidates = list(platforms)
    try:
        if _looks_like_url(text, candidates):
            if candidates is None:
                candidates = list(Platform.objects.all())
            found = _from_url(text, candidates)
        else:
            found = _from_handle(text, platform)
    except (ValueError, UnicodeError):
        return None
    if found is None or len(found.handle) > MAX_HANDLE or len(found.key) > MAX_KEY or len(found.url) > MAX_URL:
        return None
    return found


# --- reading the text ------------------------------------------------------------------


def _same_site(host: str) -> str:
    """``host`` without "www.", "m." or "mobile." (as long as a dotted name remains)."""
    for _ in range(3):
        for prefix in _SAME_SITE_PREFIXES:
            if host.startswith(prefix) and "." in host[len(prefix):]:
                host = host[len(prefix):]
                break
        else:
            break
    return host


def _on(host: str, base: str) -> bool:
    return host == base or host.endswith("." + base)


def _looks_like_url(text: str, candidates: list[Platform] | None) -> bool:
    if _SCHEME.match(text) or text.startswith("//"):
        return True  # "https://…", "instagram.com:443/…", "javascript:…": _from_url sorts them out
    body = text.rstrip("/")
    if any(ch in body for ch in "/?#"):
        return True
    head = body.lower()
    if head.startswith(_SAME_SITE_PREFIXES) and "." in head.split(".", 1)[1]:
        return True
    if "." not in head:
        return False
    host = _same_site(head)
    known = set(_WELL_KNOWN_HOSTS)
    for candidate in candidates or ():
        known.update(_hosts(candidate))
    return any(_on(host, base) for base in known)


def _from_handle(text: str, platform: Platform | None) -> Normalized | None:
    text = text.rstrip("/")
    raw = text[1:] if text.startswith("@") else text
    if not raw:
        return None
    if platform is None:
        if not _GENERIC_HANDLE.fullmatch(raw):
            return None
        return Normalized(None, raw, raw.lower(), "")
    return _rules(platform).handle(platform, raw)


def _from_url(text: str, candidates: list[Platform]) -> Normalized | None:
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", text)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            return None
    elif text.startswith("//"):
        text = "https:" + text
    elif (bare := _SCHEME.match(text)) and not text[bare.end():bare.end() + 1].isdigit():
        return None  # "javascript:…", "mailto:…", "data:…"
    else:
        text = "https://" + text
    parts = urlsplit(text)
    parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    if parts.username is not None or parts.password is not None:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not _HOST.fullmatch(host):
        return None
    host = _same_site(host)
    path, query = parts.path, parts.query
    if parts.fragment.startswith("!/") and path in ("", "/"):  # twitter.com/#!/name
        path, _, query = parts.fragment[1:].partition("?")
    segments = [unquote(segment) for segment in path.split("/") if segment]
    matched = _match_host(host, candidates)
    if matched is None:
        return None
    platform, subdomain = matched
    return _rules(platform).url(platform, _Address(host, subdomain, segments, query))


def _hosts(platform: Platform) -> set[str]:
    hosts = platform.hosts if isinstance(platform.hosts, list) else []
    found = {_same_site(host.strip().lower()) for host in hosts if isinstance(host, str) and host.strip()}
    found.update(_ALIAS_HOSTS.get(platform.slug, ()))
    return found


def _match_host(host: str, candidates: list[Platform]) -> tuple[Platform, str | None] | None:
    """The platform whose host this is, and the blog name for ``<name>.blogspot.com``-style hosts."""
    for platform in candidates:
        if host in _hosts(platform):
            return platform, None
    for platform in candidates:
        rules = _rules(platform)
        if rules.subdomains:
            for base in _hosts(platform):
                if host.endswith("." + base):
                    return platform, host[: -len(base) - 1]
        if rules.extra_hosts and (extra := rules.extra_hosts.fullmatch(host)):
            return platform, extra.groupdict().get("sub")
    return None


# --- building the answer ------------------------------------------------------------------


@dataclass(frozen=True)
class _Address:
    host: str  # without "www.", "m.", "mobile."
    subdomain: str | None  # the blog name on subdomain platforms, else None
    segments: list[str]  # the path's non-empty segments, percent-decoded
    query: str

    def param(self, name: str) -> str:
        values = parse_qs(self.query).get(name) or [""]
        return values[0]


def _templated(platform: Platform, handle: str) -> str:
    template = platform.profile_url_template or ""
    return template.replace("{handle}", handle) if "{handle}" in template else ""


def _base(platform: Platform, default: str) -> str:
    """The scheme and host of the platform's profile URLs, for addresses its template can't build."""
    template = platform.profile_url_template or ""
    if "{handle}" in template:
        parts = urlsplit(template)
        if parts.scheme and parts.netloc and "{" not in parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return default


def _made(platform: Platform, handle: str, key: str | None = None, url: str | None = None) -> Normalized:
    url = _templated(platform, handle) if url is None else url
    return Normalized(platform.slug, handle, (key or handle).lower(), url)


@dataclass(frozen=True)
class _Rules:
    handle: Callable[[Platform, str], Normalized | None]
    url: Callable[[Platform, _Address], Normalized | None]
    subdomains: bool = False  # "<handle>.<host>" names an account
    extra_hosts: re.Pattern | None = None  # further hosts (country sites); group "sub" is the handle


def _check(pattern: re.Pattern, raw: str, lower: bool = False) -> str | None:
    value = raw.lower() if lower else raw
    return value if pattern.fullmatch(value) else None


# Generic: platforms this module has no rules for (added later by the catalogue's keepers).
_GENERIC_HANDLE = re.compile(r"[A-Za-z0-9._-]{1,100}")


def _generic_handle(platform, raw):
    handle = _check(_GENERIC_HANDLE, raw)
    return _made(platform, handle) if handle else None


def _template_prefix(platform: Platform) -> list[str]:
    """The path segments the template puts before the handle: ["profile"] for
    "https://bsky.app/profile/{handle}", [] for "https://example.social/@{handle}"."""
    template = platform.profile_url_template or ""
    if "{handle}" not in template:
        return []
    path = urlsplit(template.replace("{handle}", "HANDLE")).path
    segments = [segment for segment in path.split("/") if segment]
    return segments[: next((i for i, segment in enumerate(segments) if "HANDLE" in segment), 0)]


def _generic_url(platform, address):
    prefix = _template_prefix(platform)
    if address.subdomain is not None or len(address.segments) <= len(prefix):
        return None
    if [segment.lower() for segment in address.segments[: len(prefix)]] != [p.lower() for p in prefix]:
        return None
    handle = _check(_GENERIC_HANDLE, address.segments[len(prefix)].removeprefix("@"))
    if handle is None:
        return None
    url = _templated(platform, handle)
    if not url:  # no template: the cleaned address itself
        url = "https://" + address.host + "/" + "/".join(quote(segment, safe="@") for segment in address.segments)
    return _made(platform, handle, url=url)


# Facebook: user names are letters, digits and periods; periods and case don't count.
_FB_NAME = re.compile(r"(?=[A-Za-z0-9.]*[A-Za-z])(?!\.)(?!.*\.\.)[A-Za-z0-9.]{2,50}(?<!\.)")
_FB_ID = re.compile(r"[0-9]{1,20}")
_FB_NAME_WITH_ID = re.compile(r"[A-Za-z0-9._-]*-([0-9]{5,20})")  # "/p/Roosevelt-High-100064…", old page URLs
_FB_GROUP = re.compile(r"[A-Za-z0-9._-]{1,100}")
_FB_RESERVED = {
    "about", "ads", "bookmarks", "business", "careers", "checkpoint", "dating", "dialog", "directory", "events",
    "feeds", "find-friends", "friends", "fundraisers", "gaming", "hashtag", "help", "home", "home.php", "index.php",
    "jobs", "l.php", "latest", "legal", "live", "login", "login.php", "marketplace", "media", "memories", "messages",
    "notes", "permalink.php", "photo", "photo.php", "photos", "places", "plugins", "policies", "policy", "privacy",
    "profile", "public", "r.php", "recover", "reel", "reels", "reg", "saved", "search", "settings", "share",
    "share.php", "sharer", "sharer.php", "signup", "stories", "story.php", "terms", "video.php", "videos", "watch",
}


def _fb_id(platform, number):
    url = _base(platform, "https://www.facebook.com") + f"/profile.php?id={number}"
    return _made(platform, number, key=f"id:{number}", url=url)


def _fb_handle(platform, raw):
    if _FB_ID.fullmatch(raw):
        return _fb_id(platform, raw)
    if (with_id := _FB_NAME_WITH_ID.fullmatch(raw)) and not _FB_NAME.fullmatch(raw):
        return _fb_id(platform, with_id.group(1))
    if not _FB_NAME.fullmatch(raw):
        return None
    return _made(platform, raw, key=raw.replace(".", ""))


def _fb_url(platform, address):
    segments = address.segments
    if address.subdomain is not None or not segments:
        return None
    first = segments[0].lower()
    if first == "profile.php":
        number = address.param("id")
        return _fb_id(platform, number) if _FB_ID.fullmatch(number) else None
    if first in ("pages", "people"):  # /pages/Name/123, /pages/category/Kind/Name/123, /people/Name/123
        number = next((segment for segment in segments[2:] if _FB_ID.fullmatch(segment)), None)
        return _fb_id(platform, number) if number else None
    if first == "p" and len(segments) > 1:
        with_id = _FB_NAME_WITH_ID.fullmatch(segments[1])
        return _fb_id(platform, with_id.group(1)) if with_id else None
    if first == "pg" and len(segments) > 1:  # the old page form /pg/Name/about
        return _fb_handle(platform, segments[1])
    if first == "groups" and len(segments) > 1:
        name = _check(_FB_GROUP, segments[1])
        if name is None:
            return None
        url = _base(platform, "https://www.facebook.com") + f"/groups/{name}/"
        return _made(platform, name, key=f"group:{name}", url=url)
    if first in _FB_RESERVED or first in ("p", "pg", "groups"):
        return None
    return _fb_handle(platform, segments[0].removeprefix("@"))


# X (Twitter): letters, digits, underscores; case as the user set it. X allows 15 today; the
# limit here leaves room so that no real older name is refused.
_X_NAME = re.compile(r"[A-Za-z0-9_]{1,20}")
_X_RESERVED = {
    "account", "compose", "download", "explore", "hashtag", "home", "i", "intent", "jobs", "login", "logout",
    "messages", "notifications", "privacy", "search", "settings", "share", "signup", "tos",
}


def _x_handle(platform, raw):
    handle = _check(_X_NAME, raw)
    return _made(platform, handle) if handle else None


def _x_url(platform, address):
    if address.subdomain is not None or not address.segments:
        return None
    name = address.segments[0].removeprefix("@")
    return None if name.lower() in _X_RESERVED else _x_handle(platform, name)


# Instagram and Threads (one user name for both): lower case, letters, digits, "." and "_".
_IG_NAME = re.compile(r"(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)")
_IG_RESERVED = {
    "about", "accounts", "ar", "challenge", "create", "developer", "direct", "emails", "explore", "invites",
    "legal", "lite", "oauth", "p", "privacy", "reel", "reels", "s", "session", "stories", "topics", "tv", "web",
}


def _ig_handle(platform, raw):
    handle = _check(_IG_NAME, raw, lower=True)
    return _made(platform, handle) if handle else None


def _ig_url(platform, address):
    segments = address.segments
    if address.subdomain is not None or not segments:
        return None
    if segments[0].lower() == "stories" and len(segments) > 1:  # /stories/<name>/<id> names its account
        return _ig_handle(platform, segments[1])
    name = segments[0].removeprefix("@")
    return None if name.lower() in _IG_RESERVED else _ig_handle(platform, name)


def _threads_url(platform, address):
    segments = address.segments
    if address.subdomain is not None or not segments or not segments[0].startswith("@"):
        return None
    return _ig_handle(platform, segments[0][1:])


# TikTok: profiles are /@name; 2–24 lower-case letters, digits, "_" and ".", not ending in ".".
_TIKTOK_NAME = re.compile(r"[a-z0-9._]{2,24}(?<!\.)")


def _tiktok_handle(platform, raw):
    handle = _check(_TIKTOK_NAME, raw, lower=True)
    return _made(platform, handle) if handle else None


def _tiktok_url(platform, address):
    segments = address.segments
    if address.subdomain is not None or not segments or not segments[0].startswith("@"):
        return None
    return _tiktok_handle(platform, segments[0][1:])


# YouTube: @handles, channel ids (case-sensitive), and the legacy /c/ and /user/ names.
_YT_HANDLE = re.compile(r"[A-Za-z0-9._-]{3,30}")
_YT_CHANNEL = re.compile(r"UC[A-Za-z0-9_-]{22}")
_YT_LEGACY = re.compile(r"[A-Za-z0-9._-]{1,100}")
_YT_RESERVED = {
    "about", "account", "ads", "attribution_link", "creators", "e", "embed", "feed", "gaming", "hashtag",
    "howyoutubeworks", "kids", "live", "logout", "movies", "music", "new", "playlist", "post", "premium",
    "redirect", "results", "shorts", "signin", "source", "studio", "subscription_manager", "t", "trending",
    "upload", "v", "watch",
}


def _yt_at(platform, raw):
    handle = _check(_YT_HANDLE, raw)
    return _made(platform, handle) if handle else None


def _yt_channel(platform, raw):
    if not _YT_CHANNEL.fullmatch(raw):
        return None
    url = _base(platform, "https://www.youtube.com") + f"/channel/{raw}"
    return _made(platform, raw, key=f"channel:{raw}", url=url)


def _yt_legacy(platform, kind, raw):
    name = _check(_YT_LEGACY, raw)
    if name is None:
        return None
    url = _base(platform, "https://www.youtube.com") + f"/{kind}/{name}"
    return _made(platform, name, key=f"{kind}:{name}", url=url)


def _yt_handle(platform, raw):
    return _yt_channel(platform, raw) or _yt_at(platform, raw)


def _yt_url(platform, address):
    segments = address.segments
    if address.subdomain is not None or address.host == "youtu.be" or not segments:
        return None
    first = segments[0]
    if first.startswith("@"):
        return _yt_at(platform, first[1:])
    kind, rest = first.lower(), (segments[1] if len(segments) > 1 else "")
    if kind == "channel":
        return _yt_channel(platform, rest)
    if kind in ("c", "user"):
        return _yt_legacy(platform, kind, rest)
    if kind in _YT_RESERVED:
        return None
    return _yt_legacy(platform, "c", first)  # youtube.com/<name>: the legacy custom URL


# LinkedIn: organisation pages only; /in/<person> is a personal profile.
_LI_SLUG = re.compile(r"[a-z0-9._-]{1,100}")


def _li_page(platform, kind, raw):
    slug = _check(_LI_SLUG, raw, lower=True)
    if slug is None:
        return None
    if kind == "company":
        return _made(platform, slug, key=f"company:{slug}")
    url = _base(platform, "https://www.linkedin.com") + f"/{kind}/{slug}/"
    return _made(platform, slug, key=f"{kind}:{slug}", url=url)


def _li_url(platform, address):
    segments = address.segments
    if address.subdomain is not None or len(segments) < 2:
        return None
    kind = segments[0].lower()
    return _li_page(platform, kind, segments[1]) if kind in ("company", "school", "showcase") else None


# Flickr: /photos/<alias or NSID>/ and /people/<…>/; flic.kr short links don't name the account.
_FLICKR_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}|[0-9]{1,15}@N[0-9]{2}")
_FLICKR_RESERVED = {"friends", "organize", "search", "tags", "upload"}


def _flickr_handle(platform, raw):
    handle = _check(_FLICKR_NAME, raw)
    return _made(platform, handle) if handle else None


def _flickr_url(platform, address):
    segments = address.segments
    if address.subdomain is not None or address.host == "flic.kr" or len(segments) < 2:
        return None
    if segments[0].lower() not in ("photos", "people") or segments[1].lower() in _FLICKR_RESERVED:
        return None
    return _flickr_handle(platform, segments[1])


# Subdomain blogs: Tumblr (also tumblr.com/<name>), Blogger, WordPress.com. Host names are lower case.
_TUMBLR_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?")
_TUMBLR_RESERVED = {
    "about", "api", "apps", "assets", "blog", "communities", "customize", "dashboard", "docs", "embed", "explore",
    "following", "help", "inbox", "likes", "login", "logout", "media", "new", "oauth", "policy", "privacy",
    "reblog", "register", "search", "settings", "static", "tagged",
}
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_WORDPRESS_NAME = re.compile(r"[a-z0-9][a-z0-9-]{2,61}[a-z0-9]")
_WORDPRESS_RESERVED = re.compile(
    r"[a-z]{2}-[a-z]{2}|apps|dashboard|developer|jetpack|learn|public-api|subscribe|support|wordpress"
)


def _tumblr_handle(platform, raw):
    handle = _check(_TUMBLR_NAME, raw, lower=True)
    return _made(platform, handle) if handle and handle not in _TUMBLR_RESERVED else None


def _tumblr_url(platform, address):
    if address.subdomain is not None:
        return _tumblr_handle(platform, address.subdomain)
    segments = address.segments
    if len(segments) >= 3 and segments[0] == "blog" and segments[1] == "view":  # tumblr.com/blog/view/<name>
        return _tumblr_handle(platform, segments[2])
    return _tumblr_handle(platform, segments[0].removeprefix("@")) if segments else None


def _blogger_handle(platform, raw):
    handle = _check(_LABEL, raw, lower=True)
    return _made(platform, handle) if handle else None


def _blogger_url(platform, address):
    # blogger.com itself holds the editor and personal profiles, not blogs.
    return _blogger_handle(platform, address.subdomain) if address.subdomain is not None else None


def _wordpress_handle(platform, raw):
    handle = _check(_WORDPRESS_NAME, raw, lower=True)
    return _made(platform, handle) if handle and not _WORDPRESS_RESERVED.fullmatch(handle) else None


def _wordpress_url(platform, address):
    return _wordpress_handle(platform, address.subdomain) if address.subdomain is not None else None


# Google Sites: /view/<name> (new sites), /site/<name> (classic), /<domain>/<name> (Workspace).
_SITE_NAME = re.compile(r"[a-z0-9_-]{1,100}")
_SITE_DOMAIN = re.compile(r"[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}")


def _sites_handle(platform, raw):
    handle = _check(_SITE_NAME, raw, lower=True)
    return _made(platform, handle) if handle else None


def _sites_url(platform, address):
    segments = address.segments
    if address.subdomain is not None or len(segments) < 2:
        return None
    first = segments[0].lower()
    base = _base(platform, "https://sites.google.com")
    if first == "view":
        return _sites_handle(platform, segments[1])
    if first == "site":
        name = _check(_SITE_NAME, segments[1], lower=True)
        return _made(platform, name, key=f"site:{name}", url=f"{base}/site/{name}") if name else None
    domain, name = (segments[1], segments[2]) if first == "a" and len(segments) > 2 else (segments[0], segments[1])
    domain, name = _check(_SITE_DOMAIN, domain, lower=True), _check(_SITE_NAME, name, lower=True)
    if domain is None or name is None:
        return None
    handle = f"{domain}/{name}"
    return _made(platform, handle, url=f"{base}/{handle}")


# Pinterest: 3–30 letters, digits, "_"; /<user>/<board>/ names its user. Country sites count.
_PIN_NAME = re.compile(r"[A-Za-z0-9_]{3,30}")
_PIN_RESERVED = {
    "_", "about", "business", "categories", "discover", "explore", "ideas", "login", "logout", "news_hub",
    "oauth", "password", "pin", "resource", "search", "settings", "signup", "today", "topics", "videos",
}


def _pin_handle(platform, raw):
    handle = _check(_PIN_NAME, raw)
    return _made(platform, handle) if handle else None


def _pin_url(platform, address):
    if address.subdomain is not None or not address.segments:
        return None
    name = address.segments[0].removeprefix("@")
    return None if name.lower() in _PIN_RESERVED else _pin_handle(platform, name)


_GENERIC = _Rules(_generic_handle, _generic_url)
_RULES = {
    "facebook": _Rules(
        _fb_handle, _fb_url, extra_hosts=re.compile(r"(?:web|touch|mbasic|free|[a-z]{2}-[a-z]{2})\.facebook\.com")
    ),
    "x": _Rules(_x_handle, _x_url),
    "instagram": _Rules(_ig_handle, _ig_url),
    "threads": _Rules(_ig_handle, _threads_url),
    "tiktok": _Rules(_tiktok_handle, _tiktok_url),
    "youtube": _Rules(_yt_handle, _yt_url),
    "linkedin": _Rules(
        lambda platform, raw: _li_page(platform, "company", raw), _li_url,
        extra_hosts=re.compile(r"[a-z]{2}\.linkedin\.com"),
    ),
    "flickr": _Rules(_flickr_handle, _flickr_url),
    "tumblr": _Rules(_tumblr_handle, _tumblr_url, subdomains=True),
    "blogger": _Rules(
        _blogger_handle, _blogger_url, subdomains=True,
        extra_hosts=re.compile(r"(?P<sub>[a-z0-9-]+)\.blogspot\.(?:[a-z]{2}|com?\.[a-z]{2})"),
    ),
    "wordpress": _Rules(_wordpress_handle, _wordpress_url, subdomains=True),
    "google-sites": _Rules(_sites_handle, _sites_url),
    "pinterest": _Rules(
        _pin_handle, _pin_url,
        extra_hosts=re.compile(r"(?:[a-z]{2}\.)?pinterest\.(?:com|[a-z]{2}|com?\.[a-z]{2})"),
    ),
}


def _rules(platform: Platform) -> _Rules:
    return _RULES.get(platform.slug, _GENERIC)
