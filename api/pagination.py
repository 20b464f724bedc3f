"""Cursor pagination: stable pages over lists that grow while the app scrolls them."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 200
