"""Other names for the same thing: places and their demonyms, common abbreviations.

The faithfulness guard reads these tables so that "US", "U.S.", "United
States" and "American" count as one fact, and "PM" is supported by "prime
minister". They hold general knowledge only, never text from any dataset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

# One place a line: "key: form, form, ... > broader key, ...". A form in
# capitals ("US", "UK") matches only in capitals, so the pronoun "us" is not
# the United States; every other form matches in any case but must start with
# a capital in the text. A place supports the places it lies in ("Welsh"
# supports "British"), never the other way round.
_PLACES = """
us: US, USA, U.S., U.S.A., United States, United States of America, America, American, Americans, Washington, Yank
uk: UK, U.K., United Kingdom, Britain, Great Britain, GB, British, Briton, Britons, Brit, Brits, London, Westminster
england: England, English, Englishman, Englishmen > uk
scotland: Scotland, Scottish, Scot, Scots, Edinburgh > uk
wales: Wales, Welsh, Welshman, Cardiff > uk
northern-ireland: Northern Ireland, NI, Belfast > uk
ireland: Ireland, Irish, Republic of Ireland, Irishman, Dublin, Eire
europe: Europe, European, Europeans
eu: EU, E.U., European Union, Brussels > europe
france: France, French, Frenchman, Frenchmen, Paris > europe
germany: Germany, German, Germans, Berlin > europe
italy: Italy, Italian, Italians, Rome > europe
spain: Spain, Spanish, Spaniard, Spaniards, Madrid > europe
portugal: Portugal, Portuguese, Lisbon > europe
netherlands: Netherlands, Holland, Dutch, Dutchman, Amsterdam > europe
belgium: Belgium, Belgian, Belgians > europe
switzerland: Switzerland, Swiss, Geneva, Zurich > europe
austria: Austria, Austrian, Vienna > europe
sweden: Sweden, Swedish, Swede, Swedes, Stockholm > europe
norway: Norway, Norwegian, Oslo > europe
denmark: Denmark, Danish, Dane, Danes, Copenhagen > europe
finland: Finland, Finnish, Finn, Finns, Helsinki > europe
iceland: Iceland, Icelandic, Icelander > europe
poland: Poland, Polish, Pole, Poles, Warsaw > europe
czech: Czech Republic, Czechia, Czech, Czechs, Prague > europe
slovakia: Slovakia, Slovak, Slovakian > europe
hungary: Hungary, Hungarian, Budapest > europe
romania: Romania, Romanian, Bucharest > europe
bulgaria: Bulgaria, Bulgarian > europe
greece: Greece, Greek, Greeks, Athens > europe
serbia: Serbia, Serbian, Serb, Serbs, Belgrade > europe
croatia: Croatia, Croatian, Croat, Croats, Zagreb > europe
bosnia: Bosnia, Bosnian, Bosnia and Herzegovina, Sarajevo > europe
slovenia: Slovenia, Slovenian, Slovene > europe
cyprus: Cyprus, Cypriot, Cypriots > europe
malta: Malta, Maltese > europe
luxembourg: Luxembourg, Luxembourger > europe
estonia: Estonia, Estonian > europe
latvia: Latvia, Latvian > europe
lithuania: Lithuania, Lithuanian > europe
ukraine: Ukraine, Ukrainian, Ukrainians, Kiev, Kyiv > europe
belarus: Belarus, Belarusian, Minsk > europe
russia: Russia, Russian, Russians, Russian Federation, Moscow, Kremlin, Muscovite
soviet: Soviet, Soviets, Soviet Union, USSR
turkey: Turkey, Turkish, Turk, Turks, Ankara, Istanbul
georgia-country: Georgian, Tbilisi
armenia: Armenia, Armenian
azerbaijan: Azerbaijan, Azerbaijani, Azeri
china: China, Chinese, PRC, People's Republic of China, Beijing, Beijinger, Beijingers, Shanghai > asia
hong-kong: Hong Kong, HK > china
taiwan: Taiwan, Taiwanese, Taipei > asia
japan: Japan, Japanese, Tokyo > asia
south-korea: South Korea, S Korea, South Korean, S Korean, Seoul > korea
north-korea: North Korea, N Korea, North Korean, N Korean, DPRK, Pyongyang > korea
korea: Korea, Korean, Koreans > asia
mongolia: Mongolia, Mongolian > asia
india: India, Indian, Indians, Delhi, New Delhi, Mumbai > asia
pakistan: Pakistan, Pakistani, Pakistanis, Islamabad, Karachi > asia
bangladesh: Bangladesh, Bangladeshi, Dhaka > asia
sri-lanka: Sri Lanka, Sri Lankan, Colombo > asia
nepal: Nepal, Nepalese, Nepali, Kathmandu > asia
afghanistan: Afghanistan, Afghan, Afghans, Kabul > asia
iran: Iran, Iranian, Iranians, Tehran, Persia, Persian > middle-east
iraq: Iraq, Iraqi, Iraqis, Baghdad > middle-east
syria: Syria, Syrian, Syrians, Damascus > middle-east
israel: Israel, Israeli, Israelis, Jerusalem, Tel Aviv > middle-east
palestine: Palestine, Palestinian, Palestinians, Gaza, West Bank > middle-east
lebanon: Lebanon, Lebanese, Beirut > middle-east
jordan: Jordanian, Amman > middle-east
saudi-arabia: Saudi Arabia, Saudi, Saudis, Riyadh > middle-east
yemen: Yemen, Yemeni > middle-east
qatar: Qatar, Qatari, Doha > middle-east
uae: UAE, United Arab Emirates, Emirati, Dubai, Abu Dhabi > middle-east
egypt: Egypt, Egyptian, Egyptians, Cairo > africa
libya: Libya, Libyan, Tripoli > africa
tunisia: Tunisia, Tunisian, Tunis > africa
algeria: Algeria, Algerian, Algiers > africa
morocco: Morocco, Moroccan, Rabat > africa
sudan: Sudan, Sudanese, Khartoum > africa
ethiopia: Ethiopia, Ethiopian, Addis Ababa > africa
somalia: Somalia, Somali, Mogadishu > africa
kenya: Kenya, Kenyan, Nairobi > africa
uganda: Uganda, Ugandan, Kampala > africa
tanzania: Tanzania, Tanzanian > africa
nigeria: Nigeria, Nigerian, Nigerians, Abuja, Lagos > africa
ghana: Ghana, Ghanaian, Accra > africa
cameroon: Cameroon, Cameroonian > africa
senegal: Senegal, Senegalese, Dakar > africa
ivory-coast: Ivory Coast, Ivorian, Cote d'Ivoire > africa
congo: Congo, Congolese, DRC, Kinshasa > africa
zimbabwe: Zimbabwe, Zimbabwean, Harare > africa
zambia: Zambia, Zambian > africa
south-africa: South Africa, South African, South Africans, SA, Pretoria, Johannesburg, Cape Town > africa
africa: Africa, African, Africans
asia: Asia, Asian, Asians
middle-east: Middle East, Middle Eastern, Mideast
indonesia: Indonesia, Indonesian, Jakarta > asia
malaysia: Malaysia, Malaysian, Kuala Lumpur > asia
singapore: Singapore, Singaporean > asia
thailand: Thailand, Thai, Bangkok > asia
vietnam: Vietnam, Vietnamese, Hanoi > asia
philippines: Philippines, Philippine, Filipino, Filipinos, Manila > asia
myanmar: Myanmar, Burma, Burmese > asia
cambodia: Cambodia, Cambodian > asia
australia: Australia, Australian, Australians, Aussie, Aussies, Canberra, Sydney, Melbourne
new-zealand: New Zealand, New Zealander, Kiwi, Kiwis, NZ, Wellington, Auckland
canada: Canada, Canadian, Canadians, Ottawa, Toronto
mexico: Mexico, Mexican, Mexicans, Mexico City > latin-america
brazil: Brazil, Brazilian, Brazilians, Brasilia, Rio de Janeiro, Sao Paulo > latin-america
argentina: Argentina, Argentine, Argentinian, Argentines, Buenos Aires > latin-america
chile: Chile, Chilean, Santiago > latin-america
colombia: Colombia, Colombian, Bogota > latin-america
venezuela: Venezuela, Venezuelan, Caracas > latin-america
peru: Peru, Peruvian, Lima > latin-america
ecuador: Ecuador, Ecuadorian, Quito > latin-america
bolivia: Bolivia, Bolivian > latin-america
uruguay: Uruguay, Uruguayan, Montevideo > latin-america
paraguay: Paraguay, Paraguayan > latin-america
cuba: Cuba, Cuban, Cubans, Havana > latin-america
haiti: Haiti, Haitian > latin-america
jamaica: Jamaica, Jamaican
latin-america: Latin America, Latin American, South America, South American
"""

# Abbreviation -> what it stands for (lower case). Initials of a name that the
# source spells out ("SEC", "RBS") need no entry: the guard derives those.
_ABBREVIATIONS = """
ad: advert, advertising, advertisement
ads: adverts, advertising, advertisements
tech: technology, technical
indie: independent
s: south
n: north
utd: united
fc: football club, club
intl: international
govt: government
gov: governor, government
dept: department
corp: corporation
co: company
inc: incorporated, company
ltd: limited, company
plc: company
bros: brothers
st: saint, street
mt: mount, mountain
ave: avenue
rd: road
univ: university
assn: association
dr: doctor
prof: professor
gen: general
sgt: sergeant
capt: captain
lt: lieutenant
col: colonel
sen: senator
rep: representative
pres: president
supt: superintendent
det: detective
insp: inspector
pc: police constable, constable
jr: junior
sr: senior
no: number
v: versus, against
vs: versus, against
pm: prime minister, premier
mp: member of parliament, mps
mps: members of parliament, mp
msp: member of the scottish parliament
mep: member of the european parliament
am: assembly member
ceo: chief executive
cfo: finance director, chief financial officer
tv: television
gp: doctor, family doctor
gdp: gross domestic product, economy, economic growth
ipo: flotation, listing
ai: artificial intelligence
it: information technology
mod: ministry of defence
nhs: health service
fed: federal reserve, federal
tory: conservative, conservatives
tories: conservative, conservatives
lib: liberal
dem: democrat, democratic
dems: democrats
gop: republican, republicans
un: united nations
wwii: world war ii, world war two, second world war
ww2: world war ii, world war two, second world war
wwi: world war i, world war one, first world war, great war
ww1: world war i, world war one, first world war, great war
oap: pensioner, old age pensioner
oaps: pensioners, old age pensioners
ex: former
jan: january
feb: february
mar: march
apr: april
jun: june
jul: july
aug: august
sep: september
sept: september
oct: october
nov: november
dec: december
mon: monday
tue: tuesday
tues: tuesday
wed: wednesday
weds: wednesday
thu: thursday
thur: thursday
thurs: thursday
fri: friday
sat: saturday
sun: sunday
"""


def _key(form: str) -> str:
    """The lookup key of a surface form: dots and possessives gone."""
    return form.replace(".", "").replace("'s", "")


def _parse_places() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    exact: dict[str, set[str]] = {}
    folded: dict[str, set[str]] = {}
    broader: dict[str, frozenset[str]] = {}
    for line in _PLACES.strip().splitlines():
        key, rest = line.split(":", 1)
        forms, _, parents = rest.partition(">")
        broader[key] = frozenset(p.strip() for p in parents.split(",") if p.strip())
        for form in (f.strip() for f in forms.split(",")):
            surface = _key(form)
            if surface.isupper():
                exact.setdefault(surface, set()).add(key)
            else:
                folded.setdefault(surface.lower(), set()).add(key)
    return (
        {k: frozenset(v) for k, v in exact.items()},
        {k: frozenset(v) for k, v in folded.items()},
        broader,
    )


_EXACT, _FOLDED, _BROADER = _parse_places()
# The longest place form, in words: how far a lookup needs to look ahead.
PLACE_MAX_WORDS = max(len(form.split()) for form in [*_EXACT, *_FOLDED])
# The first words of places of several words ("united", "new"): only these need a look ahead.
_STARTS = frozenset(form.split()[0].lower() for form in [*_EXACT, *_FOLDED] if " " in form)


def place_length(words: Sequence[str], at: int) -> tuple[int, frozenset[str]]:
    """The longest place that starts at `words[at]`: (its length in words, its keys), or (0, empty)."""
    longest = min(PLACE_MAX_WORDS, len(words) - at) if _key(words[at]).lower() in _STARTS else 1
    for length in range(longest, 0, -1):
        found = place(tuple(words[at : at + length]))
        if found:
            return length, found
    return 0, frozenset()


ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    key.strip(): tuple(v.strip() for v in value.split(","))
    for key, value in (line.split(":", 1) for line in _ABBREVIATIONS.strip().splitlines())
}

_SPACES = re.compile(r"\s+")


def place(words: tuple[str, ...]) -> frozenset[str]:
    """The places a run of words names, or an empty set.

    Args:
      words: one or more words as written ("U.S", "United States", "Britons").

    Returns:
      The place keys the words name themselves (see `broaden` for the rest).
    """
    surface = _SPACES.sub(" ", _key(" ".join(words)))
    if not surface[:1].isupper():
        return frozenset()
    found = _EXACT.get(surface) or _FOLDED.get(surface.lower())
    if found is None and surface.endswith("s") and not surface.isupper():
        found = _FOLDED.get(surface[:-1].lower())  # "Germans", "Pakistanis"
    return found or frozenset()


@lru_cache(maxsize=1024)
def broaden(keys: frozenset[str]) -> frozenset[str]:
    """`keys` with every place they lie in: a source that names Wales supports "British"."""
    out = set(keys)
    todo = list(keys)
    while todo:
        for parent in _BROADER.get(todo.pop(), ()):
            if parent not in out:
                out.add(parent)
                todo.append(parent)
    return frozenset(out)
