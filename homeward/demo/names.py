"""Names for synthetic migrants, each with the spellings case workers actually meet.

The first Latin spelling is the most common; the others are French, English (Gambian,
Sierra Leonean, Liberian), Arabic-derived or phonetic transliterations of the same name.
`arabic` is the Arabic-script spelling for names that are also written that way.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    latin: tuple[str, ...]
    arabic: str = ""

    @property
    def common(self) -> str:
        return self.latin[0]


def _n(*latin: str, arabic: str = "") -> Name:
    return Name(tuple(latin), arabic)


MALE_GIVEN: tuple[Name, ...] = (
    _n("Mohamed", "Mohammed", "Muhammad", "Mouhamed", "Mohamad", arabic="محمد"),
    _n("Mamadou", "Mamadu", "Mamoudou", "Mamady"),
    _n("Ousmane", "Usman", "Othmane", "Oussman", arabic="عثمان"),
    _n("Ibrahima", "Ibrahim", "Brahima", "Brahim", arabic="إبراهيم"),
    _n("Abdoulaye", "Abdullahi", "Abdallah", "Abdoulay", arabic="عبد الله"),
    _n("Moussa", "Musa", "Mousa", arabic="موسى"),
    _n("Amadou", "Ahmadou", "Hamadou", "Ahmadu", arabic="أحمد"),
    _n("Alassane", "Alhassane", "Al Hassan", "Lassana", arabic="الحسن"),
    _n("Cheikh", "Sheikh", "Cheick", "Shaykh", arabic="الشيخ"),
    _n("Souleymane", "Suleiman", "Sulayman", "Slimane", arabic="سليمان"),
    _n("Boubacar", "Aboubacar", "Abubakar", "Boubakar", arabic="أبو بكر"),
    _n("Lamine", "Lamin", "Al-Amine", "Alamine", arabic="الأمين"),
    _n("Oumar", "Omar", "Umar", "Oumarou", arabic="عمر"),
    _n("Youssouf", "Youssef", "Yusuf", "Yousouf", arabic="يوسف"),
    _n("Idrissa", "Idriss", "Idris", "Drissa", arabic="إدريس"),
    _n("Sékou", "Sekou", "Sekouba", "Seku"),
    _n("Seydou", "Saidou", "Seidu", "Sidi"),
    _n("Modou", "Moudou", "Modu"),
    _n("Tidiane", "Tijani", "Tidjane", "Tijaan", arabic="التجاني"),
    _n("Adama", "Adam", "Adamou", arabic="آدم"),
    _n("Bakary", "Bakari", "Bakar"),
    _n("Lansana", "Lansanna", "Lancinet"),
    _n("Fodé", "Fode", "Foday"),
    _n("Samba", "Sambou"),
    _n("Demba", "Dembo"),
    _n("Karim", "Kareem", "Abdoul Karim", "Abdel Karim", arabic="كريم"),
    _n("Hamza", "Hamsa", "Hamzat", arabic="حمزة"),
    _n("Rachid", "Rashid", "Rachide", arabic="رشيد"),
    _n("Siaka", "Siaká"),
    _n("Alpha", "Alfa"),
)

FEMALE_GIVEN: tuple[Name, ...] = (
    _n("Aïssatou", "Aissatou", "Aysatu", "Aissata", "Assiatou"),
    _n("Fatoumata", "Fatimata", "Fatima", "Fatouma", "Fatmata", arabic="فاطمة"),
    _n("Aïcha", "Aicha", "Aisha", "Aïchatou", arabic="عائشة"),
    _n("Mariama", "Mariam", "Maryam", "Mariame", arabic="مريم"),
    _n("Kadiatou", "Khadidiatou", "Khadija", "Kadidja", "Kadiatu", arabic="خديجة"),
    _n("Aminata", "Amina", "Aminatou", "Aminatu", arabic="أمينة"),
    _n("Hawa", "Haoua", "Awa", "Hawaou", arabic="حواء"),
    _n("Djénéba", "Djeneba", "Jeneba", "Zeinab", "Zaynab", arabic="زينب"),
    _n("Rokia", "Rokiatou", "Roqaya", "Ruqayya", arabic="رقية"),
    _n("Safiatou", "Safiya", "Safia", "Safiatu", arabic="صفية"),
    _n("Nafissatou", "Nafisatu", "Nafissa", arabic="نفيسة"),
    _n("Oumou", "Umu", "Oumy", "Ummu"),
    _n("Ramatoulaye", "Ramata", "Rahmatoulaye", "Ramatu"),
    _n("Salimata", "Salamata", "Salimatou"),
    _n("Coumba", "Kumba", "Koumba"),
    _n("Ndèye", "Ndeye", "Ndey", "N'Deye"),
    _n("Binta", "Bintou", "Bintu"),
    _n("Kadidia", "Kadija", "Kadi"),
    _n("Fanta", "Fantah"),
    _n("Mbalia", "M'Balia", "Mbaliya"),
    _n("Yacine", "Yassine", "Yasin"),
    _n("Saly", "Sally", "Sali"),
    _n("Habibatou", "Habiba", "Habibatu", arabic="حبيبة"),
    _n("Mame Diarra", "Mame Jarra", "Maam Jaara"),
)

# Family names by country of origin (ISO 3166-1 alpha-2).
FAMILY_BY_COUNTRY: dict[str, tuple[Name, ...]] = {
    "SN": (
        _n("N'Diaye", "Ndiaye", "Njie", "Njaay"),
        _n("Diop", "Jobe", "Diope"),
        _n("Fall", "Faal"),
        _n("Sow", "Sowe", "Soh"),
        _n("Sarr", "Saar", "Sar"),
        _n("Faye", "Fay"),
        _n("Guèye", "Gueye", "Gaye"),
        _n("Ba", "Bah"),
        _n("Diallo", "Jallow", "Djallo", "Jalloh"),
        _n("Mbaye", "M'Baye", "Mbay"),
        _n("Seck", "Sek"),
        _n("Cissé", "Cisse", "Sisse", "Sissé"),
        _n("Niang", "Nyang"),
        _n("Touré", "Toure", "Turay"),
        _n("Thiam", "Tiam", "Cham"),
        _n("Sy", "Sih"),
        _n("Kane", "Kan"),
        _n("Diouf", "Jouf"),
        _n("Ndour", "N'Dour"),
    ),
    "GN": (
        _n("Diallo", "Jallow", "Djallo", "Jalloh"),
        _n("Bah", "Barry", "Bary", "Ba"),
        _n("Camara", "Kamara", "Kamarah"),
        _n("Sylla", "Silla", "Sila"),
        _n("Soumah", "Souma", "Sumah"),
        _n("Condé", "Conde", "Konde", "Kondeh"),
        _n("Keïta", "Keita", "Keyta"),
        _n("Touré", "Toure", "Turay"),
        _n("Bangoura", "Bangura"),
        _n("Sow", "Sowe", "Soh"),
        _n("Baldé", "Balde", "Baldeh"),
        _n("Kourouma", "Kuruma"),
        _n("Cissé", "Cisse", "Sisse"),
        _n("Doumbouya", "Dumbuya", "Doumbouyah"),
        _n("Fofana", "Fofanah"),
        _n("Kaba", "Kabba"),
        _n("Sacko", "Sako", "Sakho"),
        _n("Kolié", "Kolie", "Koly"),
    ),
    "ML": (
        _n("Traoré", "Traore", "Trawally", "Tarawally"),
        _n("Coulibaly", "Kulibali", "Kulibaly", "Koulibaly"),
        _n("Keïta", "Keita", "Keyta"),
        _n("Diarra", "Jarra", "Diara"),
        _n("Koné", "Kone", "Konneh"),
        _n("Sidibé", "Sidibe", "Sidibeh"),
        _n("Maïga", "Maiga", "Mayga"),
        _n("Sissoko", "Cissoko", "Sisoko"),
        _n("Dembélé", "Dembele", "Dembelé"),
        _n("Diakité", "Diakite", "Jakite", "Diakhité"),
        _n("Sangaré", "Sangare", "Sangareh"),
        _n("Doumbia", "Dumbia", "Doumbiya"),
        _n("Samaké", "Samake"),
        _n("Touré", "Toure", "Turay"),
        _n("Diabaté", "Diabate", "Jobarteh"),
        _n("Togola", "Togora"),
    ),
}

# North-African and Saharan family names (Moroccan, Moorish, Arab-Malian), written in
# Arabic script as well: a person with one of these also gets an Arabic-script name.
ARABIC_FAMILY: tuple[Name, ...] = (
    _n("Benali", "Ben Ali", "Ben-Ali", arabic="بن علي"),
    _n("El Amrani", "Amrani", "El-Amrani", arabic="العمراني"),
    _n("Haïdara", "Haidara", "Haydara", arabic="حيدرة"),
    _n("Ould Ahmed", "Ould Ahmad", "Wuld Ahmad", arabic="ولد أحمد"),
    _n("Kounta", "Kunta", "Counta", arabic="كنتة"),
    _n("Ould Sidi", "Ould Sidy", "Wuld Sidi", arabic="ولد سيدي"),
    _n("Bennani", "Benani", arabic="بناني"),
    _n("El Idrissi", "Idrissi", "El-Idrissi", arabic="الإدريسي"),
)

# Places of birth and the languages people speak, per country of origin.
PLACES_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    "SN": ("Dakar", "Pikine", "Thiès", "Mbour", "Kaolack", "Saint-Louis", "Podor", "Kolda",
           "Tambacounda", "Ziguinchor", "Touba", "Louga", "Matam", "Vélingara"),
    "GN": ("Conakry", "Kindia", "Labé", "Mamou", "Kankan", "N'Zérékoré", "Boké", "Faranah",
           "Siguiri", "Kissidougou", "Pita", "Dalaba"),
    "ML": ("Bamako", "Kayes", "Ségou", "Sikasso", "Mopti", "Gao", "Tombouctou", "Koulikoro",
           "Kita", "Nioro du Sahel", "Diéma", "San", "Kidal"),
}  # fmt: skip

LANGUAGES_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    "SN": ("wo", "fr", "ff", "srr", "dyo"),
    "GN": ("ff", "sus", "man", "fr", "kpe"),
    "ML": ("bm", "fr", "ff", "snk", "son"),
}
