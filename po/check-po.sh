#!/bin/sh
# Checks that every translation in po/ is complete: the catalogue extracted afresh from the
# sources (POTFILES.in) merged into each .po leaves no message untranslated or fuzzy, every
# source file with messages marked for translation (the application's, the command line's
# and the engine's) is in POTFILES.in, and every user-visible property in the .ui files is
# marked for translation.
set -eu
root=$1
cd "$root"
for tool in xgettext msgmerge msgfmt; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (Debian package gettext)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' po/POTFILES.in | grep -v '^$' > "$tmp/files"
xgettext --from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_ \
    --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
    --files-from="$tmp/files" -o "$tmp/vireo.pot" 2>"$tmp/xgettext.log" || {
    cat "$tmp/xgettext.log"; exit 1; }
status=0

# Every C source, header and .ui file outside tests/ with a marked message is listed: xgettext
# reads them all, and each file its catalogue names must be in POTFILES.in (else its messages
# would silently stay English).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard -- '*.c' '*.h' '*.ui' >"$tmp/all"
else
    find . \( -name tests -o -name po -o -name '.?*' -o -name 'build*' -o -name '_build*' \) \
        -prune -o -type f \( -name '*.c' -o -name '*.h' -o -name '*.ui' \) -print |
        sed 's|^\./||' >"$tmp/all"
fi
grep -v -e '^tests/' -e '^po/' "$tmp/all" | sort | while read -r f; do
    [ ! -f "$f" ] || echo "$f"
done >"$tmp/sources"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dngettext:2,3 --files-from="$tmp/sources" -o "$tmp/all.pot" \
    2>"$tmp/xgettext-all.log" || {
    cat "$tmp/xgettext-all.log"; exit 1; }
if [ -f "$tmp/all.pot" ]; then
    sed -n 's/^#: //p' "$tmp/all.pot" | tr ' ' '\n' | sed 's/:[0-9]*$//' | grep -v '^$' |
        sort -u >"$tmp/marked"
    sort -u "$tmp/files" >"$tmp/listed"
    unlisted=$(comm -23 "$tmp/marked" "$tmp/listed")
    if [ -n "$unlisted" ]; then
        echo "these files have messages marked for translation but are not in po/POTFILES.in:"
        echo "$unlisted"
        status=1
    fi
fi

for po in po/*.po; do
    msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" "$tmp/vireo.pot"
    stats=$(msgfmt --check --statistics -o /dev/null "$tmp/merged.po" 2>&1)
    echo "$po: $stats"
    case "$stats" in
    *untranslated* | *fuzzy*)
        echo "$po is incomplete; missing:"
        msgattrib --untranslated --only-fuzzy "$tmp/merged.po" 2>/dev/null | grep '^msgid' | head -20 || true
        msgattrib --untranslated "$tmp/merged.po" | grep '^msgid' | head -40
        status=1
        ;;
    esac
    # Messages the .po still has but the sources no longer use.
    obsolete=$(grep -c '^#~ msgid' "$tmp/merged.po" || true)
    if [ "$obsolete" != 0 ]; then
        echo "$po has $obsolete messages the sources no longer use (run msgmerge)"
        status=1
    fi
done
# Every user-visible text in the .ui files is marked translatable.
if grep -nE '<(property|attribute) name="(label|title|subtitle|description|tooltip-text|placeholder-text|text)"[^>]*>[^<]*[A-Za-z][^<]*<' ui/*.ui resources/gtk/*.ui |
    grep -v 'translatable="yes"' | grep -v 'name="text">console=ttyS0<'; then
    echo "the properties above are not marked translatable=\"yes\""
    status=1
fi
exit $status
