"""Word lists for invented names: people, groups, places and the things people write.

Every name the generator makes is a combination of these words, so none describes a real group
or person. "Smith" is kept out of the group words: ``Smith Brothers`` (OCG-0042) is the one
stable name the benchmarks type.
"""


def words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


FIRST_NAMES = words(
    "Alex Ali Amara Amy Ana Arun Ash Bea Ben Beth Bilal Cal Cara Cerys Chen Chloe Chris Dan Dana "
    "Dev Dion Eden Elif Ella Emeka Erin Evan Faye Femi Finn Gail Gwen Hana Hari Ian Ines Isla "
    "Ivan Jade Jai Jas Jay Jo Joel Kai Kara Kofi Lara Leah Lee Lena Leon Liam Lin Lola Luca Luke "
    "Mae Mara Max Maya Mia Milo Mina Nat Neil Nia Nico Nina Noor Obi Olly Omar Owen Pam Pia Raj "
    "Rea Rhys Rita Rob Rosa Ruth Ryan Sam Sara Sean Seb Shay Sian Sol Tam Tara Theo Tom Tori Uma "
    "Val Vic Wes Yara Yusuf Zac Zara Zoe"
)

LAST_NAMES = words(
    "Abbot Acre Adler Amberley Ansell Ashdown Avery Bakewell Balfour Barlow Beckett Bellamy "
    "Birch Blackwood Bramley Brook Calder Carrow Castell Chandler Cleary Colby Corrin Crane "
    "Dalby Darrow Delaney Denholm Draycott Dunmore Eastwood Elland Ellery Farrant Fenwick "
    "Fielding Fitch Garland Gorse Greaves Hadley Halloran Harcourt Hawley Heywood Holloway "
    "Hurst Ingram Ives Jarrow Kemble Kenning Kersey Lacey Langley Larch Latimer Lockwood Lyle "
    "Maddox Marlow Merrick Millard Morrow Nash Nettle Norcross Oakley Orme Osler Padley "
    "Pellow Penrose Petty Quill Radley Ramsden Redfern Rook Rowntree Sallow Selby Shale Sorrel "
    "Stannard Strand Tallis Tarrant Thorne Tindall Upton Vesey Wadley Warrender Westcott "
    "Whitlow Wickham Wren Yardley Yelland"
)

GROUP_FIRST = words(
    "Adder Alder Amber Anvil Arrow Ash Aspen Badger Barrow Basalt Beacon Birch Bishop Black "
    "Blue Bramble Brass Briar Bronze Buzzard Canal Carbon Castle Cedar Chalk Chapel Cinder "
    "Clay Cobalt Cobble Copper Coral Crimson Crow Crown Crystal Cypress Dagger Delta Diamond "
    "Dockside Dove Eagle Eastgate Ebony Elm Ember Falcon Fern Flint Forge Fox Frost Garnet "
    "Glass Gold Granite Grey Gull Harbour Hawk Hazel Heron Hollow Holly Iron Ivory Jackdaw Jade "
    "Jasper Kestrel Kingfisher Lantern Larch Lark Lime Linden Lynx Magpie Maple Marble Marsh "
    "Merlin Mill Moor Moss Nettle Northgate Oak Obsidian Onyx Orchard Osprey Otter Owl Pearl "
    "Pewter Pike Pine Plover Quarry Quartz Raven Red Ridge Rook Rowan Ruby Rust Sable Saffron "
    "Salt Sandstone Scarlet Shadow Shale Silver Slate Sparrow Spruce Steel Stone Storm Swift "
    "Thistle Thorn Tin Topaz Umber Valley Velvet Viper Walnut Wasp Westgate Willow Wolf Wren "
    "Yew Zinc"
)

GROUP_SECOND = words(
    "Alliance Boys Brotherhood Cartel Circle Clan Collective Company Connection Crew Crowd "
    "Syndicate Enterprise Faction Family Firm Gang Group Guild Holdings Household Lads Line "
    "Lines Logistics Mob Network Organisation Outfit Pack Partners Posse Ring Set Squad Team "
    "Traders Trust Union Unit Ventures Youths Associates Cooperative Consortium Affiliates "
    "Cousins Kin"
)

AREAS = words(
    "Northmoor|Eastvale|Westbridge|Southmere|Ashford Vale|Kingsbury|Harrowfield|Millbrook|"
    "Ravensworth|Thornbury|Oakhampstead|Fenley|Greywater|Holmcliffe|Larkhill|Marshgate|"
    "Netherby|Orwell Vale|Pennington|Queensmoor|Redcliffe|Saltmarsh|Tamworth Vale|Ullswick|"
    "Wexcombe|Yardley Cross|Brackenridge|Coldharbour|Dunmere|Elmstead|Foxborough|Glenhaven|"
    "Hazelmoor|Ironbridge|Juniper Heath|Kestrel Bay|Lowmoor|Merrow|Pendleford|Rushcombe",
    "|",
)

AGENCIES = (
    ("Trading Standards", "council"),
    ("Council Housing", "council"),
    ("HMRC", "hmrc"),
    ("Fire and Rescue", "fire"),
    ("DWP", "dwp"),
    ("Probation Service", "probation"),
    ("Immigration Enforcement", "homeoffice"),
    ("Environment Agency", "ea"),
)

STREETS = words(
    "Mill Lane|Station Road|Quarry Road|Harbour Lane|Church Street|Victoria Road|Canal Walk|"
    "Market Street|Fratton Road|Orchard Close|Park Avenue|Bridge Street|Dock Road|High Street|"
    "Chapel Row|Union Terrace|Kiln Lane|Forge Yard|Saltings Way|Rope Walk",
    "|",
)

PLACES = words(
    "car wash|nail bar|barber shop|vape shop|scrapyard|takeaway|tyre shop|lock-up|HMO|"
    "storage unit|hand car wash|mini-market|gym|taxi office|garage|flat|cafe|warehouse",
    "|",
)

ACTION_VERBS = words(
    "Check the tenancy of|Test-purchase at|Inspect|Visit|Apply for a closure order on|"
    "Review the licence of|Run ANPR checks around|Serve a notice on|Carry out a fire safety "
    "visit to|Check VAT registration of|Request CCTV from|Arrange a joint visit to|"
    "Review planning consent for|Check the employees at|Refer the occupants of",
    "|",
)

DISRUPTION_TEXT = (
    "Warrant executed at the {place} on {street}: {what}",
    "Vehicle seized near the {place} on {street} for no insurance",
    "Closure order granted on the {place} on {street}",
    "Young person referred to diversion after a stop near the {place}",
    "Cash seized from a courier leaving the {place} on {street}",
    "Joint visit with partners to the {place} on {street}: {what}",
    "Licence review lodged for the {place} on {street}",
    "Safeguarding referral made for a resident of the {place} on {street}",
)

DISRUPTION_FINDS = (
    "cannabis and cash found",
    "two arrested",
    "counterfeit tobacco seized",
    "illegal workers found",
    "phones and scales seized",
    "nothing of note found",
)

NOMINAL_STATUS = ("active",) * 17 + ("remanded", "convicted", "left")

FACTS = {
    "business": ("runs a {place} on {street}", "cash-only {place} on {street}"),
    "vehicles": ("leased prestige car on a private plate", "fleet of vans registered to a {place}"),
    "lifestyle": ("expensive holidays and a boxing gym", "designer goods bought in cash"),
    "travel": ("monthly flights abroad", "frequent trips by rail to the coast"),
    "crime": ("cannabis cultivation in rented houses", "county line run from the {place}"),
    "behaviour": ("anti-social driving near the {place}", "intimidation of neighbours on {street}"),
    "enablers": ("an accountant files the {place}'s returns", "a lettings agent on {street}"),
}
