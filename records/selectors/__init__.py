from .roster import (
    CADRE_LIST_FIELDS,
    CADRE_SORTS,
    cadre_list,
    cadre_postings,
    cadres_visible_to,
    can_edit_cadre,
    can_see_sensitive,
    subtree_ids,
    unit_in_scope,
    unit_on,
    unit_tree,
    units_visible_to,
)

__all__ = [
    "CADRE_LIST_FIELDS",
    "CADRE_SORTS",
    "cadre_list",
    "cadre_postings",
    "cadres_visible_to",
    "can_edit_cadre",
    "can_see_sensitive",
    "subtree_ids",
    "unit_in_scope",
    "unit_on",
    "unit_tree",
    "units_visible_to",
]
