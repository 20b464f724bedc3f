#!/usr/bin/env bash
# SISO's backup, in one dated folder: the database (pg_dump, custom format), the private uploads,
# which are part of the record (registries imported, signed time sheets, certificates), and
# MEDIA_ROOT's image renditions, which the database lists.
#
# Run by siso-backup.service with /etc/siso/siso.env (DATABASE_URL, SISO_PRIVATE_ROOT,
# MEDIA_ROOT); to run
# it now, e.g. before an upgrade: sudo systemctl start siso-backup
#
#   SISO_BACKUP_DIR        where the dated folders go (default /var/backups/siso)
#   SISO_BACKUP_KEEP_DAYS  folders older than this are deleted after a good backup (default 14)
#
# A folder appears under its final name only once complete; a failed run leaves a
# `.partial` folder and a non-zero exit, which systemd shows as a failed unit.
# docs/operations.md has the restore drill.
set -euo pipefail
umask 077

: "${DATABASE_URL:?DATABASE_URL must be set: the database to dump}"
: "${SISO_PRIVATE_ROOT:?SISO_PRIVATE_ROOT must be set: the uploads to archive}"
: "${MEDIA_ROOT:?MEDIA_ROOT must be set: the image renditions to archive}"
backup_dir="${SISO_BACKUP_DIR:-/var/backups/siso}"
keep_days="${SISO_BACKUP_KEEP_DAYS:-14}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
partial="$backup_dir/$stamp.partial"
mkdir -p "$partial"

# The database first, then the files: an upload made in between is an extra file in the
# archive, never a row whose file is missing.
pg_dump --format=custom --compress=6 --file="$partial/siso.dump" "$DATABASE_URL"
archive() {  # archive NAME FOLDER: FOLDER as NAME.tar.gz, its last path part at the top
    tar --create --gzip --file="$partial/$1.tar.gz" \
        --directory="$(dirname "$2")" "$(basename "$2")"
}
archive private "$SISO_PRIVATE_ROOT"
archive media "$MEDIA_ROOT"

# What the restore drill compares against: the dump's table of contents and checksums.
pg_restore --list "$partial/siso.dump" >"$partial/siso.dump.list"
(cd "$partial" && sha256sum siso.dump private.tar.gz media.tar.gz >SHA256SUMS)

mv "$partial" "$backup_dir/$stamp"
echo "backup written to $backup_dir/$stamp ($(du -sh "$backup_dir/$stamp" | cut -f1))"

# Retention, only after a good backup: dated folders older than keep_days.
find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -mtime +"$keep_days" \
    -print -exec rm -rf {} +
