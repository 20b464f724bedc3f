"""The canonical CSV format of each municipal source: columns, types, what is required.

Pure data, the single description read by the parser, the sample generator, the admin (to
offer the columns a profile maps) and `docs/imports.md`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Kind:
    TEXT = "text"
    TAX_CODE = "tax_code"
    DATE = "date"
    DECIMAL = "decimal"
    INTEGER = "integer"
    CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool
    help: str
    example: str
    choices: tuple[str, ...] = ()
    max_length: int = 200
    # Other spellings of the choices (compared without case, spaces, dashes and dots).
    aliases: tuple[tuple[str, str], ...] = ()
    # An amount also read in the Italian way (12.345,67), whatever the file's dialect, and
    # kept exact (a Decimal, not rounded): its own checks say how many decimals it may have.
    italian_amount: bool = False


@dataclass(frozen=True)
class SourceFormat:
    name: str
    label: str
    columns: tuple[Column, ...]
    # Rows with the same value here are kept in one batch (a family sheet is checked whole).
    group_by: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


SEXES = ("M", "F")
RELATIONS = (
    "head",
    "spouse",
    "partner",
    "child",
    "parent",
    "sibling",
    "grandchild",
    "other_relative",
    "cohabitant",
)
CANCELLATION_REASONS = ("death", "emigration", "other")
LOCAL_TAXES = ("TARI", "IMU")
INCOME_TYPES = ("employment", "self_employment", "pension", "property", "other")

REGISTRY = SourceFormat(
    "registry",
    _("registry (anagrafe)"),
    (
        Column("tax_code", Kind.TAX_CODE, True, _("Codice fiscale"), "RSSMRA80A01G478P"),
        Column("last_name", Kind.TEXT, True, _("Last name"), "Rossi", max_length=100),
        Column("first_name", Kind.TEXT, True, _("First name"), "Mario", max_length=100),
        Column("sex", Kind.CHOICE, True, _("M or F"), "M", SEXES),
        Column("birth_date", Kind.DATE, True, _("Birth date"), "1980-01-01"),
        Column(
            "birth_place_code",
            Kind.TEXT,
            False,
            _("Cadastral code of the birthplace, or Z code of the foreign country"),
            "G478",
            max_length=4,
        ),
        Column(
            "citizenship",
            Kind.TEXT,
            False,
            _("ISO 3166 two-letter country code (default IT)"),
            "IT",
            max_length=2,
        ),
        Column("address", Kind.TEXT, False, _("Address of residence"), "Via dei Priori 12"),
        Column(
            "family_sheet",
            Kind.TEXT,
            True,
            _("Family-sheet number: the rows of one household share it"),
            "FS0000123",
            max_length=40,
        ),
        Column("relation", Kind.CHOICE, True, _("Relation to the head"), "head", RELATIONS),
        Column(
            "registered_on",
            Kind.DATE,
            True,
            _("Date the person was registered in this family sheet"),
            "2015-03-02",
        ),
        Column(
            "cancelled_on",
            Kind.DATE,
            False,
            _("Date of cancellation from the registry (death, emigration)"),
            "",
        ),
        Column(
            "cancellation_reason",
            Kind.CHOICE,
            False,
            _("Required with a cancellation date"),
            "",
            CANCELLATION_REASONS,
        ),
    ),
    group_by="family_sheet",
)

LOCAL_TAXES_FORMAT = SourceFormat(
    "local_taxes",
    _("local taxes (tributi)"),
    (
        Column(
            "tax_code", Kind.TAX_CODE, True, _("Codice fiscale of the taxpayer"), "RSSMRA80A01G478P"
        ),
        Column("tax", Kind.CHOICE, True, _("TARI or IMU"), "TARI", LOCAL_TAXES),
        Column("year", Kind.INTEGER, True, _("Tax year"), "2025"),
        Column("due", Kind.DECIMAL, True, _("Amount due, in euro"), "320.00"),
        Column("paid", Kind.DECIMAL, True, _("Amount paid, in euro"), "120.00"),
        Column(
            "arrears",
            Kind.DECIMAL,
            False,
            _("Unpaid amount of earlier years, in euro (default 0)"),
            "0",
        ),
    ),
)

PROPERTY = SourceFormat(
    "property",
    _("real-estate property (patrimonio immobiliare)"),
    (
        Column(
            "tax_code", Kind.TAX_CODE, True, _("Codice fiscale of the owner"), "RSSMRA80A01G478P"
        ),
        Column(
            "unit_id",
            Kind.TEXT,
            True,
            _("Cadastral unit: sheet, parcel and sub-unit"),
            "G478-12-345-6",
            max_length=60,
        ),
        Column("category", Kind.TEXT, True, _("Cadastral category, e.g. A/2"), "A/2", max_length=5),
        Column("share", Kind.DECIMAL, True, _("Share owned, in percent (0-100]"), "50"),
        Column("cadastral_value", Kind.DECIMAL, True, _("Cadastral income, in euro"), "612.00"),
        Column("since", Kind.DATE, False, _("Owned since"), "2010-06-30"),
        Column("until", Kind.DATE, False, _("Owned until (sold)"), ""),
    ),
)

RENTALS = SourceFormat(
    "rentals",
    _("rental contracts (locazioni)"),
    (
        Column(
            "contract_id",
            Kind.TEXT,
            True,
            _("Registration number of the contract"),
            "RC1234567",
            max_length=60,
        ),
        Column(
            "tenant_tax_code",
            Kind.TAX_CODE,
            True,
            _("Codice fiscale of the tenant"),
            "BNCNNA50C52G478Q",
        ),
        Column(
            "owner_tax_code",
            Kind.TAX_CODE,
            True,
            _("Codice fiscale or VAT number of the owner"),
            "RSSMRA80A01G478P",
        ),
        Column("address", Kind.TEXT, True, _("Address of the rented home"), "Via Roma 3"),
        Column("yearly_rent", Kind.DECIMAL, True, _("Yearly rent, in euro"), "6000.00"),
        Column("start", Kind.DATE, True, _("Start of the contract"), "2024-02-01"),
        Column("end", Kind.DATE, False, _("End of the contract"), "2028-01-31"),
    ),
)

INCOME = SourceFormat(
    "income",
    _("income (redditi)"),
    (
        Column("tax_code", Kind.TAX_CODE, True, _("Codice fiscale"), "BNCNNA50C52G478Q"),
        Column("year", Kind.INTEGER, True, _("Income year"), "2025"),
        Column("income_type", Kind.CHOICE, True, _("Kind of income"), "pension", INCOME_TYPES),
        Column("amount", Kind.DECIMAL, True, _("Yearly amount, in euro"), "14250.00"),
    ),
)

ISEE_KINDS = ("ordinario", "sociosanitario", "minorenni", "corrente")
# How INPS's attestations and the CAFs' exports write the kinds (after dropping an "ISEE"
# in front, case, spaces, dashes and dots).
ISEE_KIND_ALIASES = (
    ("standard", "ordinario"),
    ("ord", "ordinario"),
    ("sociosanitarioresidenze", "sociosanitario"),
    ("sociosanitarioresidenziale", "sociosanitario"),
    ("prestazionisociosanitarie", "sociosanitario"),
    ("persociosanitarie", "sociosanitario"),
    ("residenze", "sociosanitario"),
    ("minori", "minorenni"),
    ("perminorenni", "minorenni"),
    ("perminori", "minorenni"),
    ("prestazioniaiminorenni", "minorenni"),
    ("prestazioniperminorenni", "minorenni"),
    ("minorenniconmulti", "minorenni"),
)

ISEE = SourceFormat(
    "isee",
    _("ISEE attestations (attestazioni ISEE)"),
    (
        Column(
            "tax_code",
            Kind.TAX_CODE,
            True,
            _("Codice fiscale of the declarant or beneficiary: the ISEE is their household's"),
            "RSSMRA80A01G478P",
        ),
        Column(
            "dsu_protocol",
            Kind.TEXT,
            True,
            _("DSU protocol number, as on the attestation"),
            "INPS-ISEE-2026-00123456A-00",
            max_length=40,
        ),
        Column("dsu_year", Kind.INTEGER, True, _("Year of the DSU"), "2026"),
        Column(
            "isee_kind",
            Kind.CHOICE,
            True,
            _("Kind of ISEE (INPS's spellings accepted, e.g. “ISEE Socio-sanitario”, “minori”)"),
            "ordinario",
            ISEE_KINDS,
            aliases=ISEE_KIND_ALIASES,
        ),
        Column(
            "isee_value",
            Kind.DECIMAL,
            True,
            _("ISEE value in euro, 12345.67 or 12.345,67, up to 9999999.99"),
            "12345.67",
            italian_amount=True,
        ),
        Column("issued_on", Kind.DATE, True, _("Date the attestation was issued"), "2026-01-15"),
        Column(
            "valid_until",
            Kind.DATE,
            True,
            _("Last day of validity, as on the attestation"),
            "2026-12-31",
        ),
    ),
)

FORMATS: dict[str, SourceFormat] = {
    f.name: f for f in (REGISTRY, LOCAL_TAXES_FORMAT, PROPERTY, RENTALS, INCOME, ISEE)
}
