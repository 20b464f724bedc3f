from siso_platform.periodic import PeriodicCommand
from siso_platform.siuss.bulk_files import KEPT_FOR, purge
from siso_platform.siuss.tasks import purge_bulk_files


class Command(PeriodicCommand):
    help = (
        f"Delete the SIUSS bulk files asked for more than {KEPT_FOR.days} days ago "
        "(they carry tax codes); run it every hour."
    )
    task = purge_bulk_files

    def run(self):
        return f"bulk files deleted: {purge()}"
