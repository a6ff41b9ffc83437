"""Seed the platform catalogue: the public media Policy 4038 §II.A names and the
district-approved, password-protected ones of §II.B. Admins keep it from here on."""

from django.db import migrations

# name, slug, kind, district_protected, minimum_age, rules_url, hosts, profile_url_template
PLATFORMS = [
    ("Facebook", "facebook", "social_network", False, 13,
     "https://transparency.meta.com/policies/community-standards/",
     ["facebook.com", "fb.com", "m.facebook.com"], "https://www.facebook.com/{handle}"),
    ("X (Twitter)", "x", "social_network", False, 13,
     "https://help.x.com/en/rules-and-policies/x-rules",
     ["x.com", "twitter.com", "mobile.twitter.com"], "https://x.com/{handle}"),
    ("Instagram", "instagram", "social_network", False, 13,
     "https://help.instagram.com/477434105621119",
     ["instagram.com", "instagr.am"], "https://www.instagram.com/{handle}/"),
    ("YouTube", "youtube", "social_network", False, 13,
     "https://www.youtube.com/howyoutubeworks/policies/community-guidelines/",
     ["youtube.com", "m.youtube.com", "youtu.be"], "https://www.youtube.com/@{handle}"),
    ("LinkedIn", "linkedin", "social_network", False, 16,
     "https://www.linkedin.com/legal/professional-community-policies",
     ["linkedin.com"], "https://www.linkedin.com/company/{handle}/"),
    ("Flickr", "flickr", "social_network", False, 13,
     "https://www.flickr.com/help/guidelines",
     ["flickr.com", "flic.kr"], "https://www.flickr.com/photos/{handle}/"),
    ("Tumblr", "tumblr", "blog", False, 13,
     "https://www.tumblr.com/policy/en/community",
     ["tumblr.com"], "https://www.tumblr.com/{handle}"),
    ("TikTok", "tiktok", "social_network", False, 13,
     "https://www.tiktok.com/community-guidelines",
     ["tiktok.com", "m.tiktok.com"], "https://www.tiktok.com/@{handle}"),
    ("Threads", "threads", "social_network", False, 13,
     "https://help.instagram.com/769983657850450",
     ["threads.net", "threads.com"], "https://www.threads.net/@{handle}"),
    ("Pinterest", "pinterest", "social_network", False, 13,
     "https://policy.pinterest.com/community-guidelines",
     ["pinterest.com"], "https://www.pinterest.com/{handle}/"),
    ("Blogger", "blogger", "blog", False, 13,
     "https://www.blogger.com/content.g",
     ["blogspot.com", "blogger.com"], "https://{handle}.blogspot.com/"),
    ("WordPress.com", "wordpress", "blog", False, 13,
     "https://wordpress.com/tos/",
     ["wordpress.com"], "https://{handle}.wordpress.com/"),
    ("Google Sites", "google-sites", "website", False, 13,
     "https://www.google.com/sites/about/",
     ["sites.google.com"], "https://sites.google.com/view/{handle}"),
    ("MPS Google Workspace", "mps-google", "social_network", True, 0,
     "", [], ""),
    ("MPS Moodle", "mps-moodle", "forum", True, 0,
     "", [], ""),
]


def seed(apps, schema_editor):
    Platform = apps.get_model("accounts", "Platform")
    for name, slug, kind, protected, age, rules, hosts, template in PLATFORMS:
        Platform.objects.get_or_create(
            slug=slug,
            defaults=dict(
                name=name, kind=kind, district_protected=protected, minimum_age=age,
                rules_url=rules, hosts=hosts, profile_url_template=template,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
