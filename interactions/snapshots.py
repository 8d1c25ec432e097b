"""Snapshots: what an interaction page showed, kept for supervisors.

A snapshot is stored once per change of content (the volatile parts, such as
"data as of", left out of the hash), with the thumbnails already known for
its photos. Reading one back never calls the X-Platform.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from interactions import images, presenters
from interactions.interaction import Interaction
from interactions.models import InteractionSnapshot, SnapshotPhoto, XPlatformAccount
from interactions.upstream import cache_key

SNAPSHOT_SCHEMA = 1
# Parts of the page that change with every view, not with the interaction:
# "data as of", and the time spent so far on the last page of a live flow.
_VOLATILE_HEADER = ("data_as_of",)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _seconds(spent: timedelta | None) -> int | None:
    return int(spent.total_seconds()) if spent is not None else None


def interaction_snapshot_data(interaction: Interaction) -> dict[str, Any]:
    """The interaction page as plain JSON: what the agent saw, nothing more."""
    account = interaction.account
    steps = presenters.timeline(interaction)
    return {
        "schema": SNAPSHOT_SCHEMA,
        "header": {
            "unique_id": interaction.unique_id,
            "flow_name": interaction.flow_name,
            "account_name": account.name,
            "account_slug": account.slug,
            "time_zone": account.time_zone,
            "started_at": _iso(interaction.started_at),
            "last_activity": _iso(interaction.last_activity),
            "live": interaction.is_live,
            "data_as_of": _iso(interaction.fetched_at),
        },
        "answers_error": presenters.part_error(interaction, "summary"),
        "answers": [
            {
                "page_title": row.page_title,
                "time": _iso(row.time),
                "question": row.question,
                "answer": row.answer,
            }
            for row in presenters.answers(interaction)
        ],
        "flow_error": presenters.part_error(interaction, "flow"),
        "steps": [
            {
                "number": step.number,
                "title": step.title,
                "time": _iso(step.time),
                "spent_seconds": _seconds(step.spent),
                "spent_so_far": step.is_last and interaction.is_live,
                "is_revisit": step.is_revisit,
                "revisit_of": step.revisit_of,
                "is_last": step.is_last,
                "header": step.header,
                "footer": step.footer,
                "sections": [
                    {
                        "label": section.label,
                        "header": section.header,
                        "footer": section.footer,
                        "kind": section.kind,
                        "answers": list(section.answers),
                        "options": [
                            {"label": o.label, "selected": o.selected}
                            for o in section.options
                        ],
                        "multiple": section.multiple,
                        "table": (
                            {
                                "headers": [h for _, h in section.table.headers],
                                "rows": [list(r) for r in section.table.rows],
                            }
                            if section.table is not None
                            else None
                        ),
                        "photos": [
                            {"key": p.key, "file_name": p.file_name}
                            for p in section.photos
                        ],
                    }
                    for section in step.sections
                ],
            }
            for step in steps
        ],
        "variable_sets": [
            {
                "set_id": view.set_id,
                "rows": [
                    {
                        "name": row.name,
                        "value": row.value,
                        "is_set": row.is_set,
                        "is_structured": row.is_structured,
                    }
                    for row in view.rows
                ],
                "error": view.error,
                "not_found": view.not_found,
            }
            for view in presenters.variable_sets(interaction)
        ],
        "photos": [
            {
                "key": ref.key,
                "file_name": ref.file_name,
                "label": f"Step {ref.step_number}: {ref.step_title}",
                "step_number": ref.step_number,
                "step_title": ref.step_title,
                "time": _iso(ref.time),
                "rejected": ref.rejected,
            }
            for ref in interaction.photos
        ],
        "summary_text": presenters.summary_text(interaction),
    }


def snapshot_content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a snapshot, volatile parts left out."""
    stable = dict(data)
    stable["header"] = {
        k: v for k, v in data.get("header", {}).items() if k not in _VOLATILE_HEADER
    }
    stable["steps"] = [
        {**step, "spent_seconds": None} if step.get("spent_so_far") else step
        for step in data.get("steps", [])
    ]
    canonical = json.dumps(
        stable, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _snapshot_photo_fields(entry: dict[str, Any]) -> dict[str, Any]:
    moment = entry.get("time")
    return {
        "label": str(entry.get("label", ""))[:300],
        "step_number": int(entry.get("step_number") or 0),
        "time": datetime.fromisoformat(moment) if moment else None,
    }


def _carry_thumbnails(snapshot: InteractionSnapshot) -> None:
    """Give a new snapshot the thumbnails already known for its photos.

    From an earlier snapshot of the interaction (a photo's key is derived
    from its upstream path, so the same key is the same photo), else from
    the rendered-photo cache. No upstream call is made here.
    """
    entries = {
        p["key"]: p for p in snapshot.data.get("photos", []) if not p.get("rejected")
    }
    if not entries:
        return
    known: dict[str, tuple[bytes, str]] = {}
    earlier = (
        SnapshotPhoto.objects.filter(
            snapshot__account=snapshot.account,
            snapshot__interaction_id=snapshot.interaction_id,
            key__in=list(entries),
        )
        .exclude(snapshot=snapshot)
        .order_by("-snapshot__created_at", "-snapshot__pk")
        .values_list("key", "thumbnail", "content_type")
    )
    for key, thumbnail, content_type in earlier:
        known.setdefault(key, (bytes(thumbnail), content_type))
    for key in entries.keys() - known.keys():
        photo_cache_key = cache_key(
            snapshot.account, snapshot.interaction_id, "photo", key
        )
        rendered: dict[str, images.RenderedImage] | None = cache.get(photo_cache_key)
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


def interaction_snapshot_store(
    *, user: Any, interaction: Interaction
) -> InteractionSnapshot:
    """Keep a copy of what the interaction page showed, once per change.

    The same content (volatile parts left out of the hash) gives back the
    existing snapshot and writes nothing; new content adds a snapshot that
    starts with the thumbnails already known for its photos.
    """
    data = interaction_snapshot_data(interaction)
    digest = snapshot_content_hash(data)
    lookup = {
        "account": interaction.account,
        "interaction_id": interaction.unique_id,
        "content_hash": digest,
    }
    # The stored JSON is not needed to know the snapshot exists.
    existing = InteractionSnapshot.objects.filter(**lookup).defer("data").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            snapshot = InteractionSnapshot.objects.create(
                **lookup,
                first_viewed_by=user if getattr(user, "pk", None) else None,
                flow_name=interaction.flow_name[:200],
                has_photos=bool(interaction.photos),
                data=data,
            )
            _carry_thumbnails(snapshot)
    except IntegrityError:
        # Another viewer stored the same content a moment ago.
        return InteractionSnapshot.objects.get(**lookup)
    return snapshot


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
