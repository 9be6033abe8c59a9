"""Names and products the sandbox dataset draws from (made-up people, plausible club products)."""

from __future__ import annotations

from dataclasses import dataclass

FIRST_NAMES = (
    "Maria", "James", "Linda", "Robert", "Patricia", "Michael", "Barbara", "David", "Susan", "William",
    "Jessica", "Joseph", "Karen", "Thomas", "Nancy", "Charles", "Lisa", "Daniel", "Betty", "Matthew",
    "Sandra", "Anthony", "Ashley", "Mark", "Donna", "Steven", "Carol", "Paul", "Michelle", "Andrew",
    "Emily", "Joshua", "Amanda", "Kevin", "Melissa", "Brian", "Deborah", "George", "Stephanie", "Rosa",
)
LAST_NAMES = (
    "Garcia", "Johnson", "Martinez", "Brown", "Davis", "Miller", "Wilson", "Moore", "Taylor", "Anderson",
    "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson", "Clark", "Lewis", "Lee",
    "Walker", "Hall", "Allen", "Young", "Hernandez", "King", "Wright", "Lopez", "Hill", "Scott",
    "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Perez", "Roberts", "Turner", "Phillips",
)

DEPARTMENTS: dict[int, str] = {
    1: "CANDY - SNACKS - BUSINESS",
    33: "DAIRY - FROZEN",
    36: "MEAT - SEAFOOD",
    58: "BEVERAGES",
    66: "DRY GROCERY",
    94: "PRODUCE - FLORAL",
    98: "BAKERY - DELI",
}


@dataclass(frozen=True)
class Product:
    name: str
    vendor: str
    dept: int
    items: tuple[str, ...]
    portion: str


CORE_PRODUCTS: tuple[Product, ...] = (
    Product("Super Pretzel", "J&J SNACK FOODS", 1,
            ("SUPER PRETZEL SOFT PRETZELS 20CT", "SUPER PRETZEL BITES 2LB"),
            "Cut each pretzel in 8 pieces, serve warm in 1 oz cups."),
    Product("Chobani Greek Yogurt", "CHOBANI LLC", 33,
            ("CHOBANI GREEK YOGURT VARIETY 20PK", "CHOBANI FLIP VARIETY 12PK"),
            "Serve 1 oz of yogurt per cup with a spoon."),
    Product("Tyson Honey BBQ Bites", "TYSON FOODS", 36,
            ("TYSON HONEY BBQ BITES 5LB",), "One bite per toothpick, keep above 140F."),
    Product("Kind Bars", "KIND LLC", 1,
            ("KIND DARK CHOCOLATE NUTS 24CT", "KIND MINIS VARIETY 32CT"), "Cut each bar in quarters."),
    Product("Bai Antioxidant Water", "BAI BRANDS", 58,
            ("BAI ANTIOXIDANT VARIETY 18PK",), "Pour 1 oz samples, keep bottles chilled."),
    Product("Nature Valley Granola Bars", "GENERAL MILLS", 66,
            ("NATURE VALLEY CRUNCHY VARIETY 49CT",), "Break each bar in 4 pieces."),
    Product("Halos Mandarins", "WONDERFUL CITRUS", 94,
            ("HALOS MANDARINS 5LB BAG",), "Peel and separate, 2 segments per cup."),
    Product("Sabra Hummus", "SABRA DIPPING CO", 33,
            ("SABRA CLASSIC HUMMUS 32OZ", "SABRA HUMMUS SINGLES 16CT"), "1 tbsp on a pita chip."),
    Product("Tillamook Medium Cheddar", "TILLAMOOK CREAMERY", 33,
            ("TILLAMOOK MEDIUM CHEDDAR 2.5LB",), "Cube in 1/2 inch pieces, one per toothpick."),
    Product("Celsius Energy Drink", "CELSIUS INC", 58,
            ("CELSIUS VARIETY 18PK", "CELSIUS SPARKLING ORANGE 24PK"), "Pour 1 oz samples, adults only."),
    Product("Hormel Pepperoni", "HORMEL FOODS", 36,
            ("HORMEL PEPPERONI 2LB",), "Two slices per cup."),
    Product("Blue Diamond Almonds", "BLUE DIAMOND GROWERS", 1,
            ("BLUE DIAMOND SMOKEHOUSE 40OZ", "BLUE DIAMOND WASABI SOY 25OZ"), "5 almonds per cup."),
    Product("Member's Mark Croissants", "CLUB BAKERY SUPPLY", 98,
            ("MM BUTTER CROISSANTS 12CT",), "Cut each croissant in 6 pieces."),
    Product("Eggo Waffles", "KELLOGG", 33,
            ("EGGO HOMESTYLE WAFFLES 60CT", "EGGO BLUEBERRY WAFFLES 48CT"), "Toast, cut in quarters."),
)

JUICES = ("Fresh Orange Juice", "Fresh Lemonade", "Apple Ginger Juice", "Strawberry Lemonade")
FREEOSK_THEMES = ("Snack Sampling Kiosk", "Beverage Sampling Kiosk", "Health and Wellness Kiosk")
DIGITAL_CAMPAIGNS = ("Holiday Entertaining", "Big Game Snacks")
PREP_TEXT = ("Set up the sampling cart 30 minutes before the event. Wear gloves and a hairnet. "
             "Keep product at a safe temperature and display the featured items on the cart.")

EVENT_CLASSES: dict[int, str] = {3: "STANDARD", 7: "Supplier", 14: "Production", 21: "FREEOSK (Kiosk)"}
EVENT_STATUSES: dict[int, str] = {2: "APPROVED", 3: "CANCELLED", 4: "PERFORMED"}
