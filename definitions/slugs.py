"""Slugs of new definitions: derived from the title, never typed, made unique by a number."""

from django.utils.text import slugify


def unique_slug(model, title: str, *, fallback: str) -> str:
    """`title` as a slug free in `model` ("scheda", then "scheda-2", …); `fallback` if empty."""
    room = model._meta.get_field("slug").max_length - 8  # keeps space for "-<number>"
    base = slugify(title)[:room].strip("-") or fallback
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
