"""Pure award algorithms (no Django): the selection optimiser."""
