"""The seed programs' call definitions, shipped with the product (DESIGN §5)."""

from pathlib import Path

DEFINITIONS_DIR = Path(__file__).resolve().parent

SEED_FILES = {
    "000": DEFINITIONS_DIR / "xiaomi-jbgs-2025.yaml",
    "001": DEFINITIONS_DIR / "smeie-2023.yaml",
    "003": DEFINITIONS_DIR / "most-intl-2025-2.yaml",
    "004": DEFINITIONS_DIR / "thepaper-kcxf-2025.yaml",
}
SEED_000_TOPICS_EXAMPLE = DEFINITIONS_DIR / "xiaomi-jbgs-2025-topics.example.csv"
