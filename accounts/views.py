"""The registry's pages live by idea: the public directory and unit pages in
``views_directory``, its feed and embed kit in ``views_feed``, "is this account
official?" in ``views_verify``; the staff pages in ``views_registry``."""
