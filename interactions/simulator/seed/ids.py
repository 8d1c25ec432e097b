"""Identifiers of the seed data that the tests and the demo rely on.

The accounts, unique ids, caller attributes and photo paths below are the
ones the vendor docs and the captured suite use as examples, so a test or a
demo script can name an interaction without knowing which flow module builds
it. Everything else in :mod:`interactions.simulator.seed` imports them from
here.
"""

from __future__ import annotations

ACME_ACCOUNT_ID = "12345678"  # the docs' example account (U-UID, J-FF)
NORTHWIND_ACCOUNT_ID = "jan20"  # the captured suite's account (CAP-CFG)

LEADING_ZERO_UNIQUE_ID = "040100713"  # doc example with leading zeros (J-FF)
UUID_UNIQUE_ID = "902c943b-1911-4689-aed3-099c2168cbe6"  # captured value (CAP-SUM)
BACK_NAVIGATION_UNIQUE_ID = UUID_UNIQUE_ID
BIG_PHOTO_UNIQUE_ID = "040100709"  # doc example (J-PH)
ACME_BILLING_UNIQUE_ID = "0909015"  # doc example (U-IDX)
ROUTER_UNIQUE_ID = "959595"  # doc example (U-IDX)
LIVE_UNIQUE_ID = "7301846"
NORTHWIND_BILLING_UNIQUE_ID = "4412087"
# The Hebrew-language claim (pages say "language": "he"), and what its
# customer typed first.
HEBREW_UNIQUE_ID = "040100744"
HEBREW_PHONE = "2125550144"
HEBREW_ANSWER = "הרכב נפגע בצד שמאל, ליד הדלת האחורית"

SHARED_PHONE = "2125550100"
# Newest first, as the unique-ID lookup lists them.
SHARED_PHONE_UNIQUE_IDS = (ACME_BILLING_UNIQUE_ID, LEADING_ZERO_UNIQUE_ID)
HISTORY_SEARCH_ID = "blue-p4ff56al8"  # the example of Z-UID
# A click-to-call caller id held only by the 3-day-old UUID instance, so
# widerSearch=false misses it and widerSearch=true finds it.
OLD_ONLY_CALLER_ID = "6465550177"

EXIF_PHOTO_PATH = "/mnt/sdcard/DCIM/Camera/IMG_20250601_101512.jpg"
PNG_PHOTO_PATH = "/mnt/sdcard/home/downloads/i1152998579.png"  # doc example (U-PH)
REAR_PHOTO_PATH = "/storage/emulated/0/DCIM/Camera/20250530_174455.jpg"
BIG_PHOTO_PATH = "/storage/emulated/0/DCIM/Camera/IMG_20250602_083000_HDR.jpg"
GIF_PHOTO_PATH = "/mnt/sdcard/Pictures/router_lights.gif"
ROUTER_BACK_PHOTO_PATH = "/mnt/sdcard/Pictures/router_back_959595.png"
LIVE_FRONT_PHOTO_PATH = "/mnt/sdcard/DCIM/Camera/IMG_7301846_front.jpg"
LIVE_BACK_PHOTO_PATH = "/mnt/sdcard/DCIM/Camera/IMG_7301846_back.jpg"

LIVE_PAGE_INTERVAL = 5.0  # seconds between two pages of the live interaction
LIVE_INITIAL_PAGES = 3
LIVE_TOTAL_PAGES = 11
