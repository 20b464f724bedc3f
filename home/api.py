"""The headless CMS: wagtail's API v2 serving the public site at `/api/cms/`.

    /api/cms/pages/       published pages under the site root (`?type=home.ServicePage`, ...)
    /api/cms/images/      images
    /api/cms/documents/   documents outside privacy-restricted collections

The service charter is public: anyone may read what is published, signed in or not, and a
signed-in user sees exactly what an anonymous one does (no authentication is attempted, so
the project's API tokens and session play no part here). Drafts are never served: the pages
endpoint reads live pages, whose fields hold the published content, while drafts wait in
revisions. Pages with a privacy restriction are left out as well. Requests are throttled
by the project's REST framework rates.
"""

from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.serializers import ImageDownloadUrlField, ImageSerializer
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .models import OfficePage, ServicePage


class PublicReadMixin:
    authentication_classes = []
    permission_classes = [AllowAny]


class CharterPagesAPIViewSet(PublicReadMixin, PagesAPIViewSet):
    def get_queryset(self):
        queryset = super().get_queryset()
        # Listings of one type serialise the related records inline: fetch them together.
        if queryset.model is ServicePage:
            queryset = queryset.select_related("item__need_category").prefetch_related(
                "offices__municipality"
            )
        elif queryset.model is OfficePage:
            queryset = queryset.select_related("office__municipality__zone")
        return queryset


class PublicDownloadUrlField(ImageDownloadUrlField):
    """Originals are kept in private storage (docs/files.md): the public copy is a rendition
    of the original, kept with the other renditions under MEDIA_ROOT."""

    def to_representation(self, image):
        return image.get_rendition("original").url


class CharterImageSerializer(ImageSerializer):
    download_url = PublicDownloadUrlField(read_only=True)


class CharterImagesAPIViewSet(PublicReadMixin, ImagesAPIViewSet):
    base_serializer_class = CharterImageSerializer


class CharterDocumentsAPIViewSet(PublicReadMixin, DocumentsAPIViewSet):
    pass


cms_api = WagtailAPIRouter("cms_api")
cms_api.register_endpoint("pages", CharterPagesAPIViewSet)
cms_api.register_endpoint("images", CharterImagesAPIViewSet)
cms_api.register_endpoint("documents", CharterDocumentsAPIViewSet)
