"""One driver per municipal source."""

from .base import Context, Counts, Driver
from .facts import IncomeDriver, LocalTaxesDriver, PropertyDriver, RentalsDriver
from .isee import IseeDriver
from .registry import RegistryDriver

DRIVERS: dict[str, Driver] = {
    d.fmt.name: d
    for d in (
        RegistryDriver(),
        LocalTaxesDriver(),
        PropertyDriver(),
        RentalsDriver(),
        IncomeDriver(),
        IseeDriver(),
    )
}

__all__ = ["DRIVERS", "Context", "Counts", "Driver"]
