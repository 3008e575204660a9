from .roster import CADRE_FIELDS, cadre_create, cadre_transfer, cadre_update, unit_create, unit_update

__all__ = ["CADRE_FIELDS", "cadre_create", "cadre_transfer", "cadre_update", "unit_create", "unit_update"]
