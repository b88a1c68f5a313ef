"""The facet table (``search_searchfacet``: entry, facet, value) as compact numpy arrays, for
counting the facet values of many matches in memory instead of reading their rows from the
database on every search. Pure computation: no Django imports.

Counts are disjunctive, as the search page shows them: each facet is counted over the matches
that pass every other filter (and the type filter), but not its own, so that a count says what
ticking that value adds.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_NONE: IntArray = np.zeros(0, dtype=np.int64)

TYPE_FACET = "type"


@dataclass(frozen=True)
class FacetCounts:
    """``counts``: matches per type with the facet filters applied (not the type filter);
    ``facet_counts``: {facet: {value: matches}}, each facet with the type filter and the other
    facets' filters applied; ``selected``: the positions (into the ids given) of the matches
    that pass every filter, the type filter included."""

    counts: dict[str, int]
    facet_counts: dict[str, dict[str, int]]
    selected: IntArray


class FacetTable:
    """All (entry id, facet, value) rows, labelled with the index generation ``token`` they
    were read at. Immutable: a change makes a new table (``with_changes``)."""

    def __init__(self, token: int | None, rows: Iterable[tuple[int, str, str]]) -> None:
        pairs: dict[tuple[str, str], int] = {}
        entry_ids: list[int] = []
        codes: list[int] = []
        for entry_id, facet, value in rows:
            entry_ids.append(entry_id)
            codes.append(pairs.setdefault((facet, value), len(pairs)))
        self.token = token
        self._pairs = pairs
        self._init_arrays(np.array(entry_ids, dtype=np.int64), np.array(codes, dtype=np.int64))

    def _init_arrays(self, row_entries: IntArray, row_pairs: IntArray) -> None:
        self._row_entries = row_entries
        self._row_pairs = row_pairs
        self.entry_ids: IntArray = np.unique(row_entries)
        self._row_positions = np.searchsorted(self.entry_ids, row_entries)
        self._pair_list = list(self._pairs)
        facets = sorted({facet for facet, _value in self._pair_list})
        self._facet_codes = {facet: code for code, facet in enumerate(facets)}
        self._pair_facets = np.array(
            [self._facet_codes[facet] for facet, _value in self._pair_list], dtype=np.int64
        )
        self._by_pair: tuple[IntArray, IntArray] | None = None
        self._positions_by_pair: IntArray | None = None
        self._facet_pairs: dict[str, IntArray] = {}

    def _rows_by_pair(self) -> tuple[IntArray, IntArray]:
        """The rows ordered by pair and where each pair's rows begin (sorted on first use:
        a table made by a change may be replaced before any filter needs it)."""
        if self._by_pair is None:
            order = np.argsort(self._row_pairs, kind="stable")
            bounds = np.searchsorted(self._row_pairs[order], np.arange(len(self._pair_list) + 1))
            self._by_pair = (order, bounds)
        return self._by_pair

    def _pair_positions(self) -> IntArray:
        """The entry (position in ``entry_ids``) of every row, the rows in pair order."""
        if self._positions_by_pair is None:
            order, _bounds = self._rows_by_pair()
            self._positions_by_pair = self._row_positions[order]
        return self._positions_by_pair

    def _pair_counts(self, entry_mask: BoolArray) -> IntArray:
        """Per pair (code): how many of its entries are in ``entry_mask``. The rows in pair
        order, their entries' flags summed up to each pair's boundary (three times faster
        than selecting the rows and counting their pairs)."""
        _order, bounds = self._rows_by_pair()
        positions = self._pair_positions()
        sums = np.zeros(len(positions) + 1, dtype=np.int32)
        np.cumsum(entry_mask[positions], dtype=np.int32, out=sums[1:])
        counts: IntArray = (sums[bounds[1:]] - sums[bounds[:-1]]).astype(np.int64)
        return counts

    def _pairs_of(self, facets: Iterable[str]) -> IntArray:
        """The pair codes of these facets."""
        codes = []
        for facet in facets:
            found = self._facet_pairs.get(facet)
            if found is None:
                code = self._facet_codes.get(facet)
                found = self._facet_pairs[facet] = (
                    np.flatnonzero(self._pair_facets == code) if code is not None else _NONE
                )
            codes.append(found)
        return np.concatenate(codes) if codes else _NONE

    def _some_pair_counts(self, entry_mask: BoolArray, codes: IntArray) -> IntArray | None:
        """Like ``_pair_counts``, but only for the pairs ``codes`` (zero for the others),
        reading only their rows; None when those are more than a third of all rows (one
        pass over every row is cheaper then)."""
        _order, bounds = self._rows_by_pair()
        starts, ends = bounds[codes], bounds[codes + 1]
        if 3 * int((ends - starts).sum()) > len(self._row_pairs):
            return None
        positions = self._pair_positions()
        counts = np.zeros(len(self._pair_list), dtype=np.int64)
        for code, start, end in zip(codes.tolist(), starts.tolist(), ends.tolist(), strict=True):
            counts[code] = np.count_nonzero(entry_mask[positions[start:end]])
        return counts

    def with_changes(
        self,
        token: int | None,
        *,
        removed: Sequence[int] = (),
        added: Iterable[tuple[int, str, str]] = (),
    ) -> "FacetTable":
        """A new table: the rows of the ``removed`` entry ids dropped, the ``added`` rows
        appended (an entry written again is removed and added)."""
        table = FacetTable.__new__(FacetTable)
        table.token = token
        table._pairs = dict(self._pairs)
        keep = ~np.isin(self._row_entries, np.array(removed, dtype=np.int64))
        new_entries: list[int] = []
        new_codes: list[int] = []
        for entry_id, facet, value in added:
            new_entries.append(entry_id)
            new_codes.append(table._pairs.setdefault((facet, value), len(table._pairs)))
        table._init_arrays(
            np.concatenate([self._row_entries[keep], np.array(new_entries, dtype=np.int64)]),
            np.concatenate([self._row_pairs[keep], np.array(new_codes, dtype=np.int64)]),
        )
        return table

    def _entries_with(self, facet: str, values: Sequence[str]) -> BoolArray:
        """Per entry (position in ``entry_ids``): whether it has one of ``values`` for
        ``facet``; only the rows of those values are read."""
        flag = np.zeros(len(self.entry_ids), dtype=np.bool_)
        order, bounds = self._rows_by_pair()
        for value in values:
            code = self._pairs.get((facet, value))
            if code is not None:
                flag[self._row_positions[order[bounds[code] : bounds[code + 1]]]] = True
        return flag

    def count(
        self,
        ids: IntArray,
        *,
        filters: Mapping[str, Sequence[str]],
        types: Sequence[str] | None,
        facets: Sequence[str],
    ) -> FacetCounts:
        """Counts over the matching entry ``ids`` (unique; ids the table does not know are no
        matches): ``filters`` ({facet: values}, AND across facets, OR within one), ``types``
        the type filter (None: none), ``facets`` the unfiltered facets to count besides.

        Masks are kept per entry of the table (not per row), so that each count is one pass
        over the rows: the entries' mask gathered to their rows, and the pairs of the rows
        that pass tallied."""
        positions = np.searchsorted(self.entry_ids, ids)
        known = positions < len(self.entry_ids)
        known[known] = self.entry_ids[positions[known]] == ids[known]
        matched = np.zeros(len(self.entry_ids), dtype=np.bool_)
        matched[positions[known]] = True
        flags = {f: self._entries_with(f, values) for f, values in filters.items()}
        type_flag = None if types is None else self._entries_with(TYPE_FACET, types)

        def passing(skip: str | None, with_type: bool) -> BoolArray:
            mask = matched.copy()
            for facet, flag in flags.items():
                if facet != skip:
                    mask &= flag
            if with_type and type_flag is not None:
                mask &= type_flag
            return mask

        unfiltered = [f for f in facets if f not in filters]
        branches: list[tuple[list[str], str | None, bool]] = []
        if type_flag is not None or flags:
            branches.append(([TYPE_FACET], None, False))
            if unfiltered:
                branches.append((unfiltered, None, type_flag is not None))
        else:
            branches.append(([TYPE_FACET, *unfiltered], None, False))
        branches += [([f], f, type_flag is not None) for f in filters]

        counts: dict[str, int] = {}
        facet_counts: dict[str, dict[str, int]] = {}
        # One pass over the rows per distinct set of filters, counting every pair; branches
        # with the same filters share it. A branch that counts facets with few rows (the
        # type, one filtered facet) reads only their rows instead.
        tallies: dict[tuple[str | None, bool], IntArray] = {}
        masks: dict[tuple[str | None, bool], BoolArray] = {}
        for counted, skip, with_type in branches:
            codes = {self._facet_codes[f] for f in counted if f in self._facet_codes}
            if not codes:
                continue
            key = (skip, with_type)
            tally = tallies.get(key)
            if tally is None:
                mask = masks.get(key)
                if mask is None:
                    mask = masks[key] = passing(skip, with_type)
                tally = self._some_pair_counts(mask, self._pairs_of(counted))
                if tally is None:
                    tally = tallies[key] = self._pair_counts(mask)
            for code in np.flatnonzero(tally):
                if int(self._pair_facets[code]) not in codes:
                    continue
                facet, value = self._pair_list[code]
                if facet == TYPE_FACET:
                    counts[value] = int(tally[code])
                else:
                    facet_counts.setdefault(facet, {})[value] = int(tally[code])
        selected = known.copy()
        selected[known] = passing(None, True)[positions[known]]
        return FacetCounts(counts, facet_counts, np.flatnonzero(selected))
