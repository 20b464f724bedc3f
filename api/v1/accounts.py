"""Signing in from a device, the device's tokens, and who the current user is."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.settings import knox_settings
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from api.authentication import DeviceTokenAuthentication
from siso_platform.accounts import lockouts, scoping, two_factor
from siso_platform.accounts.models import DeviceToken, Membership
from siso_platform.audit import log as audit

from .common import ERRORS


def _audit(action: str, user, token: DeviceToken, purpose: str) -> None:
    # Named by its public prefix: the primary key is the token's hash, kept out of the log.
    audit.record(
        action,
        actor=user,
        obj="accounts.devicetoken",
        purpose=purpose,
        detail={"token": token.token_key, "device": token.device},
    )


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    device = serializers.CharField(
        max_length=100, help_text="A name for this device, shown in the list of your tokens."
    )
    otp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="The 6-digit code of the user's authenticator app (TOTP). Required for "
        "regional and zone administrators, data stewards and auditors, and for anyone who "
        "has set up an authenticator (on the web, /account/two-factor/).",
    )


class TokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(
        source="token_key", read_only=True, help_text="The token's public prefix."
    )
    current = serializers.SerializerMethodField(help_text="The token of this request.")

    class Meta:
        model = DeviceToken
        fields = ["id", "device", "created", "expiry", "current"]

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, DeviceToken) and auth.digest == token.digest


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(lockouts.lockout_message())
        self.wait = lockouts.cool_off_minutes() * 60  # Retry-After: at the latest


def _second_factor(request, user, code: str) -> bool:
    """Refuse a user who owes a second factor and does not give a right code; whether a
    code was checked."""
    if not two_factor.needs_second_factor(user):
        return False
    if two_factor.confirmed_device(user) is None:
        raise AuthenticationFailed(
            {"otp_code": [_("Set up two-factor sign-in on the web first, then sign in here.")]}
        )
    if not code:
        raise AuthenticationFailed({"otp_code": [_("Enter the code of your authenticator app.")]})
    if two_factor.check(user, code) is None:
        # A wrong code counts as a failed sign-in, towards the lockout too.
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
        raise AuthenticationFailed(
            {"otp_code": [_("This code is not right or was already used: wait for the next one.")]}
        )
    return True


class Login(APIView):
    """Exchange a username and password (and, where required, the code of an authenticator
    app) for a personal token bound to a device. After too many failed attempts for the
    account or from the address, sign-in is locked for a while (429), even with the right
    password."""

    # No session (and so no CSRF) here; the token scheme makes a refusal a 401, not a 403.
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=LoginSerializer,
        responses={
            201: NewTokenSerializer,
            400: ERRORS,
            401: OpenApiResponse(
                ERRORS, description="Wrong username or password, or a missing or wrong code."
            ),
            429: OpenApiResponse(
                ERRORS, description="Too many attempts, or sign-in locked: wait and retry."
            ),
        },
        auth=[],
    )
    def post(self, request):
        incoming = LoginSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = authenticate(request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):  # set by axes on this (DRF) request
            raise LockedOut()
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Wrong username or password."))
        checked = _second_factor(request, user, data.get("otp_code", ""))
        token, key = DeviceToken.objects.create(
            user=user, expiry=knox_settings.TOKEN_TTL, device=data["device"], second_factor=checked
        )
        _audit("create", user, token, _("API token issued"))
        request.auth = token
        token.token = key  # shown this once; only its hash is kept
        body = NewTokenSerializer(token, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your devices' tokens; deleting one revokes it at once (also the one in use)."""

    serializer_class = TokenSerializer
    lookup_field = "token_key"
    lookup_url_kwarg = "id"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return DeviceToken.objects.none()
        unexpired = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
        return DeviceToken.objects.filter(unexpired, user=self.request.user)

    def perform_destroy(self, instance):
        _audit("delete", self.request.user, instance, _("token revoked"))
        instance.delete()


class Logout(APIView):
    """Revoke the token of this request (the device signs out)."""

    @extend_schema(request=None, responses={204: None, 400: ERRORS})
    def post(self, request):
        if not isinstance(request.auth, DeviceToken):
            raise ValidationError({"detail": [_("This request carries no token.")]})
        _audit("delete", request.user, request.auth, _("token revoked"))
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    organisation_kind = serializers.CharField(source="organisation.kind")
    office = serializers.CharField(source="office.name", allow_null=True, default=None)

    class Meta:
        model = Membership
        fields = ["role", "organisation", "organisation_kind", "office", "valid_from", "valid_to"]


class ScopeSerializer(serializers.Serializer):
    unrestricted = serializers.BooleanField()
    zones = serializers.ListField(child=serializers.IntegerField(), help_text="Zone ids.")
    municipalities = serializers.ListField(child=serializers.IntegerField())
    bodies = serializers.ListField(
        child=serializers.IntegerField(), help_text="Third-sector bodies (organisation ids)."
    )


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    roles = MembershipSerializer(many=True, help_text="The memberships in effect today.")
    scope = ScopeSerializer(help_text="Whose personal data the user reaches.")


class Me(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        scope = scoping.scope_for(user)
        memberships = (
            Membership.objects.active().filter(user=user).select_related("organisation", "office")
        )
        return Response(
            MeSerializer(
                {
                    "username": user.get_username(),
                    "full_name": user.get_full_name(),
                    "email": user.email,
                    "roles": memberships,
                    "scope": {
                        "unrestricted": scope.unrestricted,
                        "zones": sorted(scope.zone_ids),
                        "municipalities": sorted(scope.municipality_ids),
                        "bodies": sorted(scope.body_ids),
                    },
                }
            ).data
        )
