"""Snapshots: what an interaction page showed, kept for supervisors.

A snapshot is stored once per change of content (the volatile parts, such as
"data as of", left out of the hash), with the thumbnails already known for
its photos. Reading one back never calls the X-Platform.

Most views show content already kept (every live refresh, every agent
re-opening a page), so a cache entry per stored content answers "already
kept?" without a database query (docs/performance.md), and the same entry
in this process's memory without a round trip. The entry is written only
once the row is committed, and trusted only while the row is far from the
retention purge, so a purged snapshot is never taken as kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from interactions import images, row_insert
from interactions.models import InteractionSnapshot, SnapshotPhoto, XPlatformAccount
from interactions.presenters import InteractionPage
from interactions.snapshot_format import (
    page_content_hash,
    page_from_json,
    page_to_json,
)
from interactions.upstream import cache_key


def _snapshot_photo_fields(entry: dict[str, Any]) -> dict[str, Any]:
    moment = entry.get("time")
    return {
        "label": str(entry.get("label", ""))[:300],
        "step_number": int(entry.get("step_number") or 0),
        "time": datetime.fromisoformat(moment) if moment else None,
    }


def _carry_thumbnails(snapshot: InteractionSnapshot, *, earlier: bool) -> None:
    """Give a new snapshot the thumbnails already known for its photos.

    From an earlier snapshot of the interaction (a photo's key is derived
    from its upstream path, so the same key is the same photo), when
    ``earlier`` says there was one, else from the rendered-photo cache. No
    upstream call is made here.
    """
    entries = {
        p["key"]: p for p in snapshot.data.get("photos", []) if not p.get("rejected")
    }
    if not entries:
        return
    known: dict[str, tuple[bytes, str]] = {}
    if earlier:
        stored = (
            SnapshotPhoto.objects.filter(
                snapshot__account=snapshot.account,
                snapshot__interaction_id=snapshot.interaction_id,
                key__in=list(entries),
            )
            .exclude(snapshot=snapshot)
            .order_by("-snapshot__created_at", "-snapshot__pk")
            .values_list("key", "thumbnail", "content_type")
        )
        for key, thumbnail, content_type in stored:
            known.setdefault(key, (bytes(thumbnail), content_type))
    # The others from the rendered-photo cache, in one round trip.
    cache_keys = {
        cache_key(snapshot.account, snapshot.interaction_id, "photo", key): key
        for key in entries.keys() - known.keys()
    }
    cached = cache.get_many(list(cache_keys)) if cache_keys else {}
    for photo_cache_key, key in cache_keys.items():
        rendered: dict[str, images.RenderedImage] | None = cached.get(photo_cache_key)
        if rendered is not None:
            known[key] = (rendered["thumb"].content, rendered["thumb"].content_type)
    SnapshotPhoto.objects.bulk_create(
        [
            SnapshotPhoto(
                snapshot=snapshot,
                key=key,
                thumbnail=content,
                content_type=content_type,
                **_snapshot_photo_fields(entries[key]),
            )
            for key, (content, content_type) in known.items()
        ]
    )


# How long "this content is kept" is remembered; and how close to the
# retention purge a snapshot may be for the memory to be trusted.
KEPT_SECONDS = 6 * 3600
KEPT_MARGIN = timedelta(days=1)


def _kept_key(account: XPlatformAccount, unique_id: str, digest: str) -> str:
    return cache_key(account, unique_id, "snapshot-kept", digest)


# The same memory in this process, in front of the cache's: content this
# process saw kept is recognised without a round trip. Only the purge
# deletes snapshots, and the margin below guards against it, so this needs
# no expiry; it is emptied when full.
_kept_here: dict[str, tuple[int, float]] = {}
KEPT_HERE = 4096


def _keep_here(key: str, value: tuple[int, float]) -> None:
    if len(_kept_here) >= KEPT_HERE:
        _kept_here.clear()
    _kept_here[key] = value


def _remember_kept(key: str, pk: int, created_at: datetime) -> None:
    """Remember the row once it is committed (never a row rolled back)."""
    value = (pk, created_at.timestamp())

    def remember() -> None:
        cache.set(key, value, KEPT_SECONDS)
        _keep_here(key, value)

    transaction.on_commit(remember)


def _known_kept(key: str) -> int | None:
    """The id of the snapshot remembered for this content, if it is safely
    younger than the retention purge."""
    remembered = _kept_here.get(key)
    if remembered is None:
        remembered = cache.get(key)
        if remembered is None:
            return None
        _keep_here(key, remembered)
    pk, created = remembered
    purge_at = datetime.fromtimestamp(created, tz=UTC)
    purge_at += timedelta(days=settings.XPC_SNAPSHOT_RETENTION_DAYS)
    if purge_at - KEPT_MARGIN <= timezone.now():
        return None
    return int(pk)


def interaction_snapshot_store(
    *, user: Any, account: XPlatformAccount, page: InteractionPage
) -> int:
    """Keep a copy of what the interaction page showed, once per change; the
    snapshot's id.

    The same content (volatile parts left out of the hash) writes nothing,
    and is usually recognised from the cache with no query (and, when this
    process hashed it lately, without encoding the page again:
    ``page_content_hash``); new content adds a snapshot that starts with the
    thumbnails already known for its photos.
    """
    digest, data = page_content_hash(page)
    key = _kept_key(account, page.unique_id, digest)
    known = _known_kept(key)
    if known is not None:
        return known
    snapshot = InteractionSnapshot(
        account=account,
        interaction_id=page.unique_id,
        content_hash=digest,
        first_viewed_by=user if getattr(user, "pk", None) else None,
        flow_name=page.flow_name[:200],
        has_photos=page.has_photos,
        data=page_to_json(page) if data is None else data,
    )
    # A page without photos is one statement; with photos, the thumbnails
    # are added in the same transaction.
    with transaction.atomic() if page.has_photos else contextlib.nullcontext():
        earlier = _insert_new(snapshot)
        if earlier is not None:
            _carry_thumbnails(snapshot, earlier=earlier)
    if earlier is None:
        # Kept already: by another viewer a moment ago, or before this
        # process's and the cache's memory of it.
        snapshot = InteractionSnapshot.objects.only("created_at").get(
            account=account, interaction_id=page.unique_id, content_hash=digest
        )
    _remember_kept(key, snapshot.pk, snapshot.created_at)
    return snapshot.pk


def _insert_new(snapshot: InteractionSnapshot) -> bool | None:
    """Insert ``snapshot`` unless its content is kept: whether the
    interaction had an earlier snapshot, None if nothing was inserted.

    One statement (``INSERT ... ON CONFLICT DO NOTHING RETURNING``, in
    PostgreSQL and SQLite 3.35 or newer): a new content, the common case,
    needs no lookup first, and a content kept already is passed over
    without an error, so the database server logs nothing (a refused
    insert would be logged whole, customer data included: R-PII-02). In
    RETURNING, PostgreSQL's subquery sees the table as it was before the
    insert and SQLite's sees the new row: ``<> the new id`` leaves it out in
    both. As in ``save()``, a failure marks the transaction for rollback.
    """
    insert, values, column = row_insert.insert_statement(snapshot)
    table = connection.ops.quote_name(InteractionSnapshot._meta.db_table)
    pk, account = column["pk"], column["account"]
    interaction = column["interaction_id"]
    # Only quoted names from the model go into the text; every value is a
    # parameter.
    sql = (
        f"{insert} "  # noqa: S608
        f"ON CONFLICT ({account}, {interaction}, {column['content_hash']}) "
        "DO NOTHING "
        f"RETURNING {pk}, EXISTS(SELECT 1 FROM {table} AS earlier "
        f"WHERE earlier.{account} = %s AND earlier.{interaction} = %s "
        f"AND earlier.{pk} <> {table}.{pk})"
    )
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(sql, [*values, snapshot.account_id, snapshot.interaction_id])
        row = cursor.fetchone()
    if row is None:
        return None
    row_insert.inserted(snapshot, row[0])
    return bool(row[1])


def snapshot_photo_store(
    *,
    account: XPlatformAccount,
    unique_id: str,
    key: str,
    image: images.RenderedImage,
) -> SnapshotPhoto | None:
    """Keep a thumbnail that was just shown in the interaction's latest snapshot.

    Only when that snapshot lists the photo and lacks its thumbnail; returns
    the stored row, or None when there was nothing to do.
    """
    latest = (
        InteractionSnapshot.objects.filter(account=account, interaction_id=unique_id)
        .order_by("-created_at", "-pk")
        .only("pk")
        .first()
    )
    if latest is None:
        return None
    if SnapshotPhoto.objects.filter(snapshot=latest, key=key).exists():
        return None
    entry = latest.photo_entry(key)  # loads the deferred JSON
    if entry is None or entry.get("rejected"):
        return None
    try:
        with transaction.atomic():
            return SnapshotPhoto.objects.create(
                snapshot=latest,
                key=key,
                thumbnail=image.content,
                content_type=image.content_type,
                **_snapshot_photo_fields(entry),
            )
    except IntegrityError:
        return None  # stored by a concurrent request


def snapshots_purge(*, batch_size: int = 200) -> tuple[int, int]:
    """Delete snapshots past XPC_SNAPSHOT_RETENTION_DAYS; (snapshots, photos)."""
    cutoff = timezone.now() - timedelta(days=settings.XPC_SNAPSHOT_RETENTION_DAYS)
    return InteractionSnapshot.objects.purge_before(cutoff, batch_size=batch_size)


def snapshot_page(snapshot: InteractionSnapshot) -> InteractionPage:
    """What a stored snapshot shows, from its JSON only (no upstream call)."""
    page = page_from_json(snapshot.data)
    # The row, not the stored JSON, says which interaction this is.
    return dataclasses.replace(page, unique_id=snapshot.interaction_id)
