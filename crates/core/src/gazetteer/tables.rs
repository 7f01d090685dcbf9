//! The embedded tables and their parsing. Every table is a UTF-8 TSV file under
//! `data/gazetteer/` (see `data/SOURCES.md` for origin and licence); lines starting with `#` are
//! comments. Fields are borrowed from the `'static` embedded text, so parsing allocates only
//! the row vectors.

/// (file name, contents) of every embedded table.
pub(crate) const COUNTRIES: &str = include_str!("../../../../data/gazetteer/countries.tsv");
pub(crate) const COUNTRY_NAMES: &str = include_str!("../../../../data/gazetteer/country_names.tsv");
pub(crate) const COUNTRY_ALIASES: &str =
    include_str!("../../../../data/gazetteer/country_aliases.tsv");
pub(crate) const PLACES: &str = include_str!("../../../../data/gazetteer/places.tsv");
pub(crate) const REGIONS: &str = include_str!("../../../../data/gazetteer/regions.tsv");
pub(crate) const ORGANIZATIONS: &str = include_str!("../../../../data/gazetteer/organizations.tsv");
pub(crate) const WEAPONS: &str = include_str!("../../../../data/gazetteer/weapons.tsv");
pub(crate) const WEAPONS_ORYX: &str = include_str!("../../../../data/gazetteer/weapons_oryx.tsv");
pub(crate) const TITLES: &str = include_str!("../../../../data/gazetteer/titles.tsv");

/// Data rows of a TSV table, each split on tabs (comments and blank lines skipped).
pub(crate) fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// Field `i` of a row, or "" when the row is short.
pub(crate) fn field<'a>(row: &[&'a str], i: usize) -> &'a str {
    row.get(i).copied().unwrap_or("")
}

/// `a|b|c` -> iterator of the non-empty parts.
pub(crate) fn list(cell: &'static str) -> impl Iterator<Item = &'static str> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty())
}
