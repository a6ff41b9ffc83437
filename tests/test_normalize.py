"""Handles and profile URLs in one canonical form (R-III-A, Policy 4038 §III.A).

"Is this account official?" and "is this handle already registered?" only work if every
way of writing an account's address comes to the same key. The tables below are the
forms people really paste, for every seeded public platform, and the inputs that must
come to nothing. The platforms are unsaved rows built from the seed migration, so no
database is needed (one test checks the default, the catalogue itself).
"""

import importlib
import random
import string

import pytest

from accounts.models import Platform
from accounts.normalize import MAX_INPUT, Normalized, normalize

PLATFORMS = importlib.import_module("accounts.migrations.0002_seed_platforms").PLATFORMS
ALL = [
    Platform(
        name=name, slug=slug, kind=kind, district_protected=protected, minimum_age=age,
        rules_url=rules, hosts=hosts, profile_url_template=template,
    )
    for name, slug, kind, protected, age, rules, hosts, template in PLATFORMS
]
BY_SLUG = {platform.slug: platform for platform in ALL}
PUBLIC_SLUGS = {platform.slug for platform in ALL if not platform.district_protected}

CH = "UCabcDEF123456789_-xyzWQ"  # a YouTube channel id: "UC" and 22 more

# text, platform slug, key, canonical url
URLS = [
    # Facebook
    ("https://www.facebook.com/RooseveltTeddies", "facebook", "rooseveltteddies",
     "https://www.facebook.com/RooseveltTeddies"),
    ("http://facebook.com/RooseveltTeddies/", "facebook", "rooseveltteddies",
     "https://www.facebook.com/RooseveltTeddies"),
    ("facebook.com/RooseveltTeddies?ref=embed_page&utm_source=x", "facebook", "rooseveltteddies",
     "https://www.facebook.com/RooseveltTeddies"),
    ("https://m.facebook.com/RooseveltTeddies/about/#top", "facebook", "rooseveltteddies",
     "https://www.facebook.com/RooseveltTeddies"),
    ("  WWW.FACEBOOK.COM/RooseveltTeddies  ", "facebook", "rooseveltteddies",
     "https://www.facebook.com/RooseveltTeddies"),
    ("https://web.facebook.com/Roosevelt.Teddies", "facebook", "rooseveltteddies",
     "https://www.facebook.com/Roosevelt.Teddies"),
    ("https://es-la.facebook.com/RooseveltTeddies/", "facebook", "rooseveltteddies",
     "https://www.facebook.com/RooseveltTeddies"),
    ("fb.com/RooseveltTeddies", "facebook", "rooseveltteddies", "https://www.facebook.com/RooseveltTeddies"),
    ("https://www.facebook.com/profile.php?id=100064123456789&mibextid=ZbWKwL", "facebook", "id:100064123456789",
     "https://www.facebook.com/profile.php?id=100064123456789"),
    ("https://www.facebook.com/100064123456789/", "facebook", "id:100064123456789",
     "https://www.facebook.com/profile.php?id=100064123456789"),
    ("https://www.facebook.com/p/Roosevelt-High-School-100064123456789/", "facebook", "id:100064123456789",
     "https://www.facebook.com/profile.php?id=100064123456789"),
    ("https://www.facebook.com/pages/Roosevelt-High-School/100064123456789", "facebook", "id:100064123456789",
     "https://www.facebook.com/profile.php?id=100064123456789"),
    ("https://www.facebook.com/pages/category/School/Roosevelt-High/100064123456789/", "facebook",
     "id:100064123456789", "https://www.facebook.com/profile.php?id=100064123456789"),
    ("https://www.facebook.com/people/Roosevelt-High/100064123456789/", "facebook", "id:100064123456789",
     "https://www.facebook.com/profile.php?id=100064123456789"),
    ("https://www.facebook.com/pg/RooseveltTeddies/posts/", "facebook", "rooseveltteddies",
     "https://www.facebook.com/RooseveltTeddies"),
    ("https://www.facebook.com/groups/rooseveltparents/", "facebook", "group:rooseveltparents",
     "https://www.facebook.com/groups/rooseveltparents/"),
    # X (Twitter)
    ("https://x.com/RooseveltTeddies", "x", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("https://twitter.com/RooseveltTeddies", "x", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("http://www.twitter.com/RooseveltTeddies/", "x", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("https://mobile.twitter.com/RooseveltTeddies?lang=en", "x", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("mobile.x.com/RooseveltTeddies", "x", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("X.COM/RooseveltTeddies?s=21&t=abc", "x", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("https://twitter.com/#!/RooseveltTeddies", "x", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("https://x.com/RooseveltTeddies/status/1790000000000000000", "x", "rooseveltteddies",
     "https://x.com/RooseveltTeddies"),
    ("https://x.com/@RooseveltTeddies/media", "x", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    # Instagram
    ("https://www.instagram.com/roosevelt_teddies/", "instagram", "roosevelt_teddies",
     "https://www.instagram.com/roosevelt_teddies/"),
    ("instagram.com/Roosevelt_Teddies?hl=en&utm_source=x", "instagram", "roosevelt_teddies",
     "https://www.instagram.com/roosevelt_teddies/"),
    ("http://instagram.com/roosevelt.teddies", "instagram", "roosevelt.teddies",
     "https://www.instagram.com/roosevelt.teddies/"),
    ("https://m.instagram.com/roosevelt_teddies/?igsh=MWQ1ZGUxMzBkMA==", "instagram", "roosevelt_teddies",
     "https://www.instagram.com/roosevelt_teddies/"),
    ("instagr.am/roosevelt_teddies", "instagram", "roosevelt_teddies", "https://www.instagram.com/roosevelt_teddies/"),
    ("https://www.instagram.com/roosevelt_teddies/reels/", "instagram", "roosevelt_teddies",
     "https://www.instagram.com/roosevelt_teddies/"),
    ("https://www.instagram.com/stories/roosevelt_teddies/3300000000000000000/", "instagram", "roosevelt_teddies",
     "https://www.instagram.com/roosevelt_teddies/"),
    # YouTube
    ("https://www.youtube.com/@RooseveltTeddies", "youtube", "rooseveltteddies",
     "https://www.youtube.com/@RooseveltTeddies"),
    ("youtube.com/@RooseveltTeddies/videos?view=0&sort=p", "youtube", "rooseveltteddies",
     "https://www.youtube.com/@RooseveltTeddies"),
    ("https://m.youtube.com/@RooseveltTeddies/", "youtube", "rooseveltteddies",
     "https://www.youtube.com/@RooseveltTeddies"),
    ("https://www.youtube.com/%40RooseveltTeddies", "youtube", "rooseveltteddies",
     "https://www.youtube.com/@RooseveltTeddies"),
    (f"https://www.youtube.com/channel/{CH}", "youtube", f"channel:{CH.lower()}",
     f"https://www.youtube.com/channel/{CH}"),
    (f"http://youtube.com/channel/{CH}/featured?sub_confirmation=1", "youtube", f"channel:{CH.lower()}",
     f"https://www.youtube.com/channel/{CH}"),
    ("https://www.youtube.com/c/RooseveltHighSchool", "youtube", "c:roosevelthighschool",
     "https://www.youtube.com/c/RooseveltHighSchool"),
    ("https://www.youtube.com/user/RooseveltHS/", "youtube", "user:roosevelths",
     "https://www.youtube.com/user/RooseveltHS"),
    ("https://www.youtube.com/RooseveltHighSchool", "youtube", "c:roosevelthighschool",
     "https://www.youtube.com/c/RooseveltHighSchool"),
    # LinkedIn
    ("https://www.linkedin.com/company/roosevelt-high-school/", "linkedin", "company:roosevelt-high-school",
     "https://www.linkedin.com/company/roosevelt-high-school/"),
    ("linkedin.com/company/Roosevelt-High-School/about/?viewAsMember=true", "linkedin",
     "company:roosevelt-high-school", "https://www.linkedin.com/company/roosevelt-high-school/"),
    ("https://uk.linkedin.com/company/roosevelt-high-school", "linkedin", "company:roosevelt-high-school",
     "https://www.linkedin.com/company/roosevelt-high-school/"),
    ("http://m.linkedin.com/school/roosevelt-high-school/", "linkedin", "school:roosevelt-high-school",
     "https://www.linkedin.com/school/roosevelt-high-school/"),
    ("https://www.linkedin.com/showcase/roosevelt-athletics/", "linkedin", "showcase:roosevelt-athletics",
     "https://www.linkedin.com/showcase/roosevelt-athletics/"),
    # Flickr
    ("https://www.flickr.com/photos/rooseveltteddies/", "flickr", "rooseveltteddies",
     "https://www.flickr.com/photos/rooseveltteddies/"),
    ("flickr.com/photos/RooseveltTeddies/albums?page=2", "flickr", "rooseveltteddies",
     "https://www.flickr.com/photos/RooseveltTeddies/"),
    ("http://m.flickr.com/people/rooseveltteddies", "flickr", "rooseveltteddies",
     "https://www.flickr.com/photos/rooseveltteddies/"),
    ("https://www.flickr.com/photos/12345678@N07/53000000000/", "flickr", "12345678@n07",
     "https://www.flickr.com/photos/12345678@N07/"),
    # Tumblr
    ("https://roosevelt-teddies.tumblr.com/", "tumblr", "roosevelt-teddies",
     "https://www.tumblr.com/roosevelt-teddies"),
    ("http://Roosevelt-Teddies.tumblr.com/post/123456/homecoming", "tumblr", "roosevelt-teddies",
     "https://www.tumblr.com/roosevelt-teddies"),
    ("https://www.tumblr.com/roosevelt-teddies", "tumblr", "roosevelt-teddies",
     "https://www.tumblr.com/roosevelt-teddies"),
    ("tumblr.com/Roosevelt-Teddies?source=share", "tumblr", "roosevelt-teddies",
     "https://www.tumblr.com/roosevelt-teddies"),
    ("https://www.tumblr.com/blog/view/roosevelt-teddies", "tumblr", "roosevelt-teddies",
     "https://www.tumblr.com/roosevelt-teddies"),
    # TikTok
    ("https://www.tiktok.com/@roosevelt.teddies", "tiktok", "roosevelt.teddies",
     "https://www.tiktok.com/@roosevelt.teddies"),
    ("tiktok.com/@Roosevelt.Teddies?lang=en&is_from_webapp=1", "tiktok", "roosevelt.teddies",
     "https://www.tiktok.com/@roosevelt.teddies"),
    ("http://m.tiktok.com/@roosevelt.teddies/", "tiktok", "roosevelt.teddies",
     "https://www.tiktok.com/@roosevelt.teddies"),
    ("https://www.tiktok.com/@roosevelt.teddies/video/7300000000000000000", "tiktok", "roosevelt.teddies",
     "https://www.tiktok.com/@roosevelt.teddies"),
    # Threads
    ("https://www.threads.net/@roosevelt_teddies", "threads", "roosevelt_teddies",
     "https://www.threads.net/@roosevelt_teddies"),
    ("threads.com/@Roosevelt_Teddies?xmt=abc", "threads", "roosevelt_teddies",
     "https://www.threads.net/@roosevelt_teddies"),
    ("http://threads.net/@roosevelt_teddies/", "threads", "roosevelt_teddies",
     "https://www.threads.net/@roosevelt_teddies"),
    ("https://www.threads.com/@roosevelt_teddies/post/C0abc", "threads", "roosevelt_teddies",
     "https://www.threads.net/@roosevelt_teddies"),
    # Pinterest
    ("https://www.pinterest.com/rooseveltteddies/", "pinterest", "rooseveltteddies",
     "https://www.pinterest.com/rooseveltteddies/"),
    ("pinterest.com/RooseveltTeddies/_saved/?invite_code=x", "pinterest", "rooseveltteddies",
     "https://www.pinterest.com/RooseveltTeddies/"),
    ("https://in.pinterest.com/rooseveltteddies/homecoming-ideas/", "pinterest", "rooseveltteddies",
     "https://www.pinterest.com/rooseveltteddies/"),
    ("http://pinterest.co.uk/rooseveltteddies", "pinterest", "rooseveltteddies",
     "https://www.pinterest.com/rooseveltteddies/"),
    # Blogger
    ("https://roosevelt-library.blogspot.com/", "blogger", "roosevelt-library",
     "https://roosevelt-library.blogspot.com/"),
    ("http://www.Roosevelt-Library.blogspot.com", "blogger", "roosevelt-library",
     "https://roosevelt-library.blogspot.com/"),
    ("roosevelt-library.blogspot.com/2024/09/welcome-back.html?m=1", "blogger", "roosevelt-library",
     "https://roosevelt-library.blogspot.com/"),
    ("https://roosevelt-library.blogspot.co.uk/", "blogger", "roosevelt-library",
     "https://roosevelt-library.blogspot.com/"),
    # WordPress.com
    ("https://rooseveltband.wordpress.com/", "wordpress", "rooseveltband", "https://rooseveltband.wordpress.com/"),
    ("http://RooseveltBand.wordpress.com/2024/05/01/spring-concert/", "wordpress", "rooseveltband",
     "https://rooseveltband.wordpress.com/"),
    ("www.rooseveltband.wordpress.com?utm_source=newsletter", "wordpress", "rooseveltband",
     "https://rooseveltband.wordpress.com/"),
    # Google Sites
    ("https://sites.google.com/view/roosevelt-counseling", "google-sites", "roosevelt-counseling",
     "https://sites.google.com/view/roosevelt-counseling"),
    ("sites.google.com/view/Roosevelt-Counseling/home?authuser=0", "google-sites", "roosevelt-counseling",
     "https://sites.google.com/view/roosevelt-counseling"),
    ("http://sites.google.com/view/roosevelt-counseling/", "google-sites", "roosevelt-counseling",
     "https://sites.google.com/view/roosevelt-counseling"),
    ("https://sites.google.com/mps.k12.mn.us/roosevelt-counseling/home", "google-sites",
     "mps.k12.mn.us/roosevelt-counseling", "https://sites.google.com/mps.k12.mn.us/roosevelt-counseling"),
    ("https://sites.google.com/a/mps.k12.mn.us/roosevelt-counseling/", "google-sites",
     "mps.k12.mn.us/roosevelt-counseling", "https://sites.google.com/mps.k12.mn.us/roosevelt-counseling"),
    ("https://sites.google.com/site/rooseveltcounseling/", "google-sites", "site:rooseveltcounseling",
     "https://sites.google.com/site/rooseveltcounseling"),
]

# platform slug, text, handle, key, url: what a person types into a form that names the platform
WITH_PLATFORM = [
    ("x", "@RooseveltTeddies", "RooseveltTeddies", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("x", "RooseveltTeddies", "RooseveltTeddies", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("x", " @rooseveltteddies ", "rooseveltteddies", "rooseveltteddies", "https://x.com/rooseveltteddies"),
    ("x", "twitter.com/RooseveltTeddies", "RooseveltTeddies", "rooseveltteddies", "https://x.com/RooseveltTeddies"),
    ("instagram", "@Roosevelt_Teddies", "roosevelt_teddies", "roosevelt_teddies",
     "https://www.instagram.com/roosevelt_teddies/"),
    ("instagram", "roosevelt.teddies", "roosevelt.teddies", "roosevelt.teddies",
     "https://www.instagram.com/roosevelt.teddies/"),
    ("instagram", "https://instagram.com/roosevelt_teddies/", "roosevelt_teddies", "roosevelt_teddies",
     "https://www.instagram.com/roosevelt_teddies/"),
    ("facebook", "@RooseveltTeddies", "RooseveltTeddies", "rooseveltteddies",
     "https://www.facebook.com/RooseveltTeddies"),
    ("facebook", "Roosevelt.Teddies", "Roosevelt.Teddies", "rooseveltteddies",
     "https://www.facebook.com/Roosevelt.Teddies"),
    ("facebook", "100064123456789", "100064123456789", "id:100064123456789",
     "https://www.facebook.com/profile.php?id=100064123456789"),
    ("youtube", "@RooseveltTeddies", "RooseveltTeddies", "rooseveltteddies",
     "https://www.youtube.com/@RooseveltTeddies"),
    ("youtube", CH, CH, f"channel:{CH.lower()}", f"https://www.youtube.com/channel/{CH}"),
    ("linkedin", "roosevelt-high-school", "roosevelt-high-school", "company:roosevelt-high-school",
     "https://www.linkedin.com/company/roosevelt-high-school/"),
    ("flickr", "@RooseveltTeddies", "RooseveltTeddies", "rooseveltteddies",
     "https://www.flickr.com/photos/RooseveltTeddies/"),
    ("flickr", "12345678@N07", "12345678@N07", "12345678@n07", "https://www.flickr.com/photos/12345678@N07/"),
    ("tumblr", "Roosevelt-Teddies", "roosevelt-teddies", "roosevelt-teddies",
     "https://www.tumblr.com/roosevelt-teddies"),
    ("tumblr", "roosevelt-teddies.tumblr.com", "roosevelt-teddies", "roosevelt-teddies",
     "https://www.tumblr.com/roosevelt-teddies"),
    ("tiktok", "@Roosevelt.Teddies", "roosevelt.teddies", "roosevelt.teddies",
     "https://www.tiktok.com/@roosevelt.teddies"),
    ("threads", "@roosevelt_teddies", "roosevelt_teddies", "roosevelt_teddies",
     "https://www.threads.net/@roosevelt_teddies"),
    ("pinterest", "RooseveltTeddies/", "RooseveltTeddies", "rooseveltteddies",
     "https://www.pinterest.com/RooseveltTeddies/"),
    ("blogger", "roosevelt-library", "roosevelt-library", "roosevelt-library",
     "https://roosevelt-library.blogspot.com/"),
    ("blogger", "roosevelt-library.blogspot.com", "roosevelt-library", "roosevelt-library",
     "https://roosevelt-library.blogspot.com/"),
    ("wordpress", "RooseveltBand", "rooseveltband", "rooseveltband", "https://rooseveltband.wordpress.com/"),
    ("google-sites", "roosevelt-counseling", "roosevelt-counseling", "roosevelt-counseling",
     "https://sites.google.com/view/roosevelt-counseling"),
    # A district-protected platform has no hosts or template: a handle, and no address.
    ("mps-moodle", "@roosevelt.band", "roosevelt.band", "roosevelt.band", ""),
]

# Inputs that name no account, read against the whole catalogue.
NOT_AN_ACCOUNT = [
    # posts and videos that don't say whose they are
    "https://www.instagram.com/p/C0abcdEFgh/",
    "instagram.com/reel/C0abcdEFgh/?igsh=x",
    "https://www.instagram.com/tv/C0abcdEFgh",
    "https://www.instagram.com/explore/tags/homecoming/",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=x",
    "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    "https://www.youtube.com/playlist?list=PL123",
    "https://www.youtube.com/channel/not-a-channel-id",
    "https://www.facebook.com/watch/?v=123",
    "https://www.facebook.com/permalink.php?story_fbid=1&id=2",
    "https://www.facebook.com/photo.php?fbid=123",
    "https://www.facebook.com/sharer/sharer.php?u=x",
    "https://www.facebook.com/profile.php",
    "https://www.facebook.com/profile.php?id=abc",
    "https://www.facebook.com/events/123456/",
    "https://x.com/i/web/status/1790000000000000000",
    "https://x.com/search?q=roosevelt",
    "https://twitter.com/intent/tweet?text=hi",
    "https://x.com/home",
    "https://www.tiktok.com/t/ZT8abc/",
    "https://vm.tiktok.com/ZMabc/",
    "https://www.tiktok.com/tag/homecoming",
    "https://www.threads.net/t/C0abc",
    "https://www.pinterest.com/pin/123456789/",
    "https://pin.it/abc",
    "https://flic.kr/p/2abcD",
    "https://www.flickr.com/photos/tags/homecoming/",
    "https://www.flickr.com/explore",
    "https://www.tumblr.com/dashboard",
    "https://www.tumblr.com/tagged/homecoming",
    "https://www.blogger.com/profile/01234567890123456789",
    "https://www.blogger.com/about/",
    "https://wordpress.com/",
    "https://en.wordpress.com/tos/",
    "https://sites.google.com/",
    "https://sites.google.com/u/0/d/1abc/edit",
    # personal accounts (R-IV-A)
    "https://www.linkedin.com/in/jane-doe-12345/",
    "linkedin.com/in/jane-doe",
    "https://www.linkedin.com/pub/jane-doe/1/2/3",
    "https://www.linkedin.com/feed/",
    # a bare host is no profile
    "instagram.com",
    "https://www.facebook.com/",
    "x.com",
    # other sites, look-alikes and tricks
    "https://www.roosevelt.k12.mn.us/",
    "https://instagram.com.evil.example/roosevelt_teddies",
    "https://notinstagram.com/roosevelt_teddies",
    "https://user:pass@instagram.com/roosevelt_teddies",
    "https://instagram.com@evil.example/roosevelt_teddies",
    "https://music.youtube.com/channel/" + CH,
    "ftp://instagram.com/roosevelt_teddies",
    "https://instagram.com:abc/roosevelt_teddies",
    # junk
    "",
    "   ",
    "\t\n",
    "@",
    "@@roosevelt",
    "http://",
    "https://",
    "//",
    "http://[",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:teddies@example.org",
    "roosevelt teddies",
    "<script>alert(1)</script>",
    "@roosevelt;drop table",
    "x" * 10_000,
    "https://x.com/" + "a" * 10_000,
    "https://www.instagram.com/roosevelt\u0000teddies",
    "https://www.instagram.com/Ro\u043esevelt/",  # a Cyrillic "o"
    "https://www.facebook.com/%00%01",
]

# Another platform's address given where a platform was named: refused.
WRONG_PLATFORM = [
    ("instagram", "https://x.com/RooseveltTeddies"),
    ("x", "https://www.instagram.com/roosevelt_teddies/"),
    ("threads", "https://www.instagram.com/roosevelt_teddies/"),
    ("instagram", "https://www.threads.net/@roosevelt_teddies"),
    ("facebook", "https://www.youtube.com/@RooseveltTeddies"),
    ("youtube", "https://www.tiktok.com/@roosevelt.teddies"),
    ("tumblr", "https://roosevelt-library.blogspot.com/"),
    ("blogger", "https://rooseveltband.wordpress.com/"),
    ("wordpress", "https://roosevelt-teddies.tumblr.com/"),
    ("instagram", "roosevelt-teddies.tumblr.com"),
    ("linkedin", "https://sites.google.com/view/roosevelt-counseling"),
    ("google-sites", "https://www.linkedin.com/company/roosevelt-high-school/"),
    ("pinterest", "https://www.flickr.com/photos/rooseveltteddies/"),
    ("flickr", "https://www.pinterest.com/rooseveltteddies/"),
    ("tiktok", "https://x.com/RooseveltTeddies"),
    ("mps-moodle", "https://moodle.mps.example/user/profile.php?id=3"),
    ("mps-google", "https://x.com/RooseveltTeddies"),
]

# Handles a platform's own rules refuse.
BAD_HANDLES = [
    ("x", "@roosevelt.teddies"),  # X has no periods
    ("x", "@roosevelt-teddies"),
    ("x", "@" + "a" * 21),
    ("instagram", "@roosevelt-teddies"),
    ("instagram", "@.roosevelt"),
    ("instagram", "@roosevelt..teddies"),
    ("instagram", "@" + "a" * 31),
    ("facebook", "@roosevelt_teddies"),
    ("tiktok", "@r"),
    ("tiktok", "@roosevelt."),
    ("threads", "@roosevelt-teddies"),
    ("youtube", "@ab"),
    ("youtube", "@roosevelt teddies"),
    ("linkedin", "roosevelt/high"),
    ("linkedin", "https://www.linkedin.com/in/jane-doe/"),
    ("pinterest", "@ab"),
    ("pinterest", "@roosevelt.teddies"),
    ("tumblr", "-roosevelt"),
    ("tumblr", "dashboard"),
    ("blogger", "roosevelt_library"),
    ("wordpress", "abc"),  # WordPress.com needs four characters
    ("wordpress", "pt-br"),
    ("google-sites", "roosevelt.counseling"),
    ("instagram", "https://www.instagram.com/p/C0abcdEFgh/"),
    ("youtube", "https://youtu.be/dQw4w9WgXcQ"),
    ("facebook", "javascript:alert(1)"),
    ("x", "http://"),
    ("x", ""),
]


def test_the_table_covers_every_public_platform():
    assert {slug for _, slug, _, _ in URLS} == PUBLIC_SLUGS
    assert PUBLIC_SLUGS - {slug for slug, *_ in WITH_PLATFORM} == set()


@pytest.mark.parametrize(("text", "slug", "key", "url"), URLS)
def test_profile_urls_come_to_one_key(text, slug, key, url):
    found = normalize(text, ALL)
    assert found is not None
    assert (found.platform_slug, found.key, found.url) == (slug, key, url)


@pytest.mark.parametrize(("text", "slug", "key", "url"), URLS)
def test_a_url_read_with_its_platform_named_reads_the_same(text, slug, key, url):
    assert normalize(text, platform=BY_SLUG[slug]) == normalize(text, ALL)


@pytest.mark.parametrize(("text", "slug", "key", "url"), URLS)
def test_the_canonical_url_is_a_fixed_point(text, slug, key, url):
    found = normalize(text, ALL)
    assert normalize(found.url, ALL) == found
    assert found.key == found.key.lower() and not found.handle.startswith("@")


@pytest.mark.parametrize(("slug", "text", "handle", "key", "url"), WITH_PLATFORM)
def test_handles_typed_for_a_platform(slug, text, handle, key, url):
    assert normalize(text, platform=BY_SLUG[slug]) == Normalized(slug, handle, key, url)


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("https://x.com/RooseveltTeddies", "RooseveltTeddies"),  # X shows the case its owner chose
        ("https://www.facebook.com/Roosevelt.Teddies", "Roosevelt.Teddies"),
        ("https://www.youtube.com/@RooseveltTeddies", "RooseveltTeddies"),
        (f"https://www.youtube.com/channel/{CH}", CH),  # channel ids are case-sensitive
        ("https://www.instagram.com/Roosevelt_Teddies", "roosevelt_teddies"),  # Instagram shows lower case
        ("https://www.tiktok.com/@Roosevelt.Teddies", "roosevelt.teddies"),
        ("https://www.linkedin.com/company/Roosevelt-High", "roosevelt-high"),
        ("https://Roosevelt-Library.blogspot.com", "roosevelt-library"),
    ],
)
def test_handle_keeps_the_case_the_platform_shows(text, handle):
    assert normalize(text, ALL).handle == handle


def test_facebook_periods_and_case_are_one_name():
    keys = {normalize(text, platform=BY_SLUG["facebook"]).key for text in
            ["RooseveltTeddies", "roosevelt.teddies", "Roosevelt.Teddies", "facebook.com/r.o.o.s.e.v.e.l.t.teddies"]}
    assert keys == {"rooseveltteddies"}


def test_twitter_and_x_are_one_platform():
    twitter, x = normalize("twitter.com/RooseveltTeddies", ALL), normalize("x.com/rooseveltteddies", ALL)
    assert (twitter.platform_slug, twitter.key) == (x.platform_slug, x.key) == ("x", "rooseveltteddies")


def test_threads_net_and_threads_com_are_one_account():
    threads_com = normalize("threads.com/@roosevelt_teddies", ALL)
    assert threads_com == normalize("https://www.threads.net/@roosevelt_teddies", ALL)


def test_youtube_kinds_of_name_do_not_collide():
    keys = {
        normalize(text, ALL).key
        for text in ["youtube.com/@roosevelt", "youtube.com/c/roosevelt", "youtube.com/user/roosevelt"]
    }
    assert keys == {"roosevelt", "c:roosevelt", "user:roosevelt"}


@pytest.mark.parametrize(
    "text", ["@RooseveltTeddies", "RooseveltTeddies", "  @RooseveltTeddies/ ", "roosevelt.teddies"]
)
def test_a_bare_handle_without_a_platform_is_searchable_everywhere(text):
    found = normalize(text, ALL)
    handle = text.strip().strip("/").removeprefix("@")
    assert found == Normalized(platform_slug=None, handle=handle, key=handle.lower(), url="")


def test_a_bare_handle_key_finds_the_same_account_on_a_platform():
    bare = normalize("@Roosevelt_Teddies", ALL)
    assert bare.key == normalize("https://www.instagram.com/roosevelt_teddies/", ALL).key


@pytest.mark.parametrize("text", NOT_AN_ACCOUNT)
def test_inputs_that_name_no_account(text):
    assert normalize(text, ALL) is None


@pytest.mark.parametrize(("slug", "text"), WRONG_PLATFORM)
def test_another_platforms_address_is_refused(slug, text):
    assert normalize(text, platform=BY_SLUG[slug]) is None


@pytest.mark.parametrize(("slug", "text"), BAD_HANDLES)
def test_handles_outside_a_platforms_rules_are_refused(slug, text):
    assert normalize(text, platform=BY_SLUG[slug]) is None


def test_input_longer_than_the_limit_is_refused_before_reading():
    handle = "a" * 20
    assert normalize(" " * (MAX_INPUT - len(handle)) + handle, platform=BY_SLUG["x"]) is not None
    assert normalize(" " * (MAX_INPUT + 1 - len(handle)) + handle, platform=BY_SLUG["x"]) is None


@pytest.mark.parametrize("value", [None, 42, b"@roosevelt", ["@roosevelt"]])
def test_non_text_is_refused(value):
    assert normalize(value, ALL) is None


def test_garbage_never_raises():
    rng = random.Random(4038)
    alphabet = string.printable + "@:/?#[]%.\u00e9\u200b\u043e\U0001f600"
    stems = ["", "http://", "https://", "//", "www.", "@", "instagram.com/", "x.com/", "sites.google.com/",
             "youtube.com/channel/", "facebook.com/profile.php?id=", "a.blogspot.com/", "[::1]:"]
    for _ in range(3000):
        text = rng.choice(stems) + "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        for kwargs in ({}, {"platform": rng.choice(ALL)}):
            found = normalize(text, ALL, **kwargs)
            assert found is None or (isinstance(found, Normalized) and found.key == found.key.lower())


def test_an_admin_added_platform_gets_the_generic_rules():
    mastodon = Platform(name="Mastodon", slug="mastodon", kind="social_network", hosts=["mastodon.social"])
    found = normalize("https://mastodon.social/@roosevelt_teddies?x=1", [*ALL, mastodon])
    assert found == Normalized("mastodon", "roosevelt_teddies", "roosevelt_teddies",
                               "https://mastodon.social/@roosevelt_teddies")


@pytest.mark.django_db
def test_without_platforms_it_reads_the_catalogue():
    assert normalize("https://twitter.com/RooseveltTeddies") == Normalized(
        "x", "RooseveltTeddies", "rooseveltteddies", "https://x.com/RooseveltTeddies"
    )


@pytest.mark.django_db
def test_a_new_platform_with_a_path_before_the_handle():
    """A platform the catalogue's keepers add later, whose profile addresses put a path
    before the handle (Bluesky's /profile/): the handle is the segment after it."""
    bluesky = Platform.objects.create(name="Bluesky", slug="bluesky", kind=Platform.Kind.SOCIAL_NETWORK,
                                      hosts=["bsky.app"], profile_url_template="https://bsky.app/profile/{handle}")
    found = normalize("https://bsky.app/profile/mpls.k12.mn.us?ref=home", platform=bluesky)
    assert (found.handle, found.url) == ("mpls.k12.mn.us", "https://bsky.app/profile/mpls.k12.mn.us")
    assert normalize("https://bsky.app/search?q=mps", platform=bluesky) is None
