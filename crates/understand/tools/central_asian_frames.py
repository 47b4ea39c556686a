"""Writes the `frame:` rows of tests/fixtures/central_asian_names.tsv (see fixtures/README.md):
names of the region in six real news sentences, one per case, inflected by the declension
rules of Russian grammar below. Usage: python3 tools/central_asian_frames.py > frames.tsv
(the `real:` rows and the header are kept by hand at the top of the fixture)."""
import sys
V='аеёиоуыэюя'
def masc_first(n):
    l=n[-1]
    if n.endswith('ий'):
        s=n[:-1]; return [n, s+'я', s+'ю', s+'я', s+'ем', s+'и']
    if l in 'ьй':
        s=n[:-1]; return [n, s+'я', s+'ю', s+'я', s+'ем', s+'е']
    if l=='а':
        s=n[:-1]; g='и' if s[-1] in 'гкхжшчщ' else 'ы'; return [n,s+g,s+'е',s+'у',s+'ой',s+'е']
    if l in V: return [n]*6
    ins='ем' if n[-1] in 'жшчщц' else 'ом'
    return [n,n+'а',n+'у',n+'а',n+ins,n+'е']
def fem_first(n):
    if n.endswith('ия'):
        s=n[:-1]; return [n,s+'и',s+'и',s+'ю',s+'ей',s+'и']
    if n.endswith('ь'):
        s=n[:-1]; return [n,s+'и',s+'и',n,s+'ью',s+'и']
    if n[-1]=='а':
        s=n[:-1]; g='и' if s[-1] in 'гкхжшчщ' else 'ы'; return [n,s+g,s+'е',s+'у',s+'ой',s+'е']
    return [n]*6
def masc_sur(n):
    if n.endswith(('ов','ев','ёв','ин','ын')):
        return [n,n+'а',n+'у',n+'а',n+'ым',n+'е']
    if n.endswith('ий'):
        s=n[:-2]; return [n,s+'ого',s+'ому',s+'ого',s+'им',s+'ом']
    if n.endswith(('ко','дзе','улы','уулу','кызы')) or n[-1] in V: return [n]*6
    return masc_first(n)
def fem_sur(n):
    if n.endswith(('ова','ева','ёва','ина','ына')):
        s=n[:-1]; return [n,s+'ой',s+'ой',s+'у',s+'ой',s+'ой']
    if n.endswith('ая'):
        s=n[:-2]; return [n,s+'ой',s+'ой',s+'ую',s+'ой',s+'ой']
    return [n]*6
# (gender, given, surname, patronymic-or-None, origin note)
PEOPLE = [
 # Kazakhstan
 ('m','Касым-Жомарт','Токаев',None,'kz'),('m','Нурсултан','Назарбаев',None,'kz'),
 ('m','Айбек','Смадияров',None,'kz'),('m','Бакытжан','Сагинтаев',None,'kz'),
 ('m','Аскар','Мамин',None,'kz'),('m','Марат','Тасмаганбетов',None,'kz'),
 ('m','Ерлан','Карин',None,'kz'),('m','Маулен','Ашимбаев',None,'kz'),
 ('m','Алихан','Смаилов',None,'kz'),('m','Олжас','Бектенов',None,'kz'),
 ('m','Мурат','Нуртлеу',None,'kz'),('m','Бауыржан','Байбек',None,'kz'),
 ('m','Мухтар','Тлеуберди',None,'kz'),
 ('f','Дарига','Назарбаева',None,'kz'),('f','Аида','Балаева',None,'kz'),
 ('f','Тамара','Дуйсенова',None,'kz'),('f','Гульшара','Абдыкаликова',None,'kz'),
 ('f','Аружан','Саин',None,'kz'),('f','Асель','Жанасова',None,'kz'),
 ('m','Азамат','Адилбекулы',None,'kz-patr'),('f','Динара','Ержанкызы',None,'kz-patr'),
 # Kyrgyzstan
 ('m','Садыр','Жапаров',None,'kg'),('m','Камчыбек','Ташиев',None,'kg'),
 ('m','Акылбек','Жапаров',None,'kg'),('m','Алмазбек','Атамбаев',None,'kg'),
 ('m','Сооронбай','Жээнбеков',None,'kg'),('m','Эдиль','Байсалов',None,'kg'),
 ('m','Курманбек','Бакиев',None,'kg'),('f','Роза','Отунбаева',None,'kg'),
 ('f','Айгуль','Рыскулова',None,'kg'),('m','Адилет','Бектурсун уулу',None,'kg-patr'),
 # Uzbekistan
 ('m','Шавкат','Мирзиёев',None,'uz'),('m','Абдулла','Арипов',None,'uz'),
 ('m','Бахтиёр','Саидов',None,'uz'),('f','Гулнара','Каримова',None,'uz'),
 ('f','Саида','Мирзиёева',None,'uz'),('m','Ислам','Каримов',None,'uz'),
 # Tajikistan
 ('m','Эмомали','Рахмон',None,'tj'),('m','Рустам','Эмомали',None,'tj'),
 ('m','Сироджиддин','Мухриддин',None,'tj'),('f','Озода','Рахмон',None,'tj'),
 # indeclinable surnames of neighbours seen in the region's news
 ('m','Александр','Лукашенко',None,'by'),('m','Никол','Пашинян',None,'am'),
 ('m','Ираклий','Кобахидзе',None,'ge'),('f','Мария','Захарова',None,'ru'),
 ('f','Лилит','Макунц',None,'am'),
]
# Sentence frames: real sentences of Central Asian news with the name slot, one per case.
FRAMES = [
 ('nomn','{} поздравил{a} казахстанцев с Днем Первого Президента','inform.kz headline (Аскар Мамин поздравил казахстанцев…)'),
 ('gent','По словам официального представителя МИД {}, Казахстан не принимал участие в саммите исходя из графика международных мероприятий.','bizmedia.kz reference article (По словам … Айбека Смадиярова)'),
 ('datv','Александр Лукашенко пожелал {} доброго здоровья, благополучия и достижения намеченных целей.','nur.kz (… пожелал Касым-Жомарту Токаеву доброго здоровья)'),
 ('accs','Президент Беларуси поздравил {} с днем рождения, передает NUR.KZ.','nur.kz (… поздравил президента Казахстана Касым-Жомарта Токаева с днем рождения)'),
 ('ablt','Путин сообщил, что дорожит товарищескими отношениями с {}.','mir24.tv headline (… отношениями с Токаевым)'),
 ('loct','Известные политики - о {}: Это выдающаяся личность','inform.kz headline (… о Нурсултане Назарбаеве: …)'),
]
CI = ['nomn','gent','datv','accs','ablt','loct']
out=[]

def put(frames, forms, g, expected, label):
    """One row per frame: the name form of the frame's case in the frame's slot."""
    for case,frame,origin in frames:
        left,right=(x.replace('{a}','' if g=='m' else 'а') for x in frame.split('{}'))
        out.append((f'frame:{origin}; {label}', left, forms[CI.index(case)], right, expected))

for g,given,sur,_,region in PEOPLE:
    gf = masc_first(given) if g=='m' else fem_first(given)
    if ' ' in sur:
        sf=[sur]*6
    else:
        sf = masc_sur(sur) if g=='m' else fem_sur(sur)
    if given.startswith('Касым-'):
        gf=['Касым-'+x for x in masc_first('Жомарт')]
    put(FRAMES, [f'{a} {b}' for a,b in zip(gf,sf)], g, f'{given} {sur}', f'name: {region}')
# Surname-only mentions in the same frames.
SURNAME_ONLY = [('m','Токаев','kz'),('m','Назарбаев','kz'),('m','Жапаров','kg'),('m','Ташиев','kg'),
  ('m','Мирзиёев','uz'),('m','Рахмон','tj'),('m','Байсалов','kg'),('m','Пашинян','am'),
  ('m','Лукашенко','by'),('f','Назарбаева','kz'),('f','Отунбаева','kg'),('m','Смадияров','kz')]
SFRAMES = [
 ('nomn','«Мы исходили из своих интересов», — подчеркнул{a} {}.','bizmedia.kz reference article (— подчеркнул Смадияров.)'),
 ('gent','Ранее Путин в своей поздравительной телеграмме отметил личный вклад {} в развитие отношений стратегического партнерства.','mir24.tv (… личный вклад Токаева в развитие …)'),
 ('datv','Путин от души пожелал {} крепкого здоровья, счастья, благополучия и успехов в работе.','mir24.tv (… пожелал Токаеву крепкого здоровья …)'),
 ('accs','Лукашенко поздравил {} с днем рождения','nur.kz headline (Лукашенко поздравил Токаева с днем рождения)'),
 ('ablt','Путин сообщил, что дорожит товарищескими отношениями с {}.','mir24.tv headline (… отношениями с Токаевым)'),
 ('loct','Известные политики - о {}: Это выдающаяся личность','inform.kz headline (… о Нурсултане Назарбаеве: …)'),
]
for g,sur,region in SURNAME_ONLY:
    put(SFRAMES, masc_sur(sur) if g=='m' else fem_sur(sur), g, sur, f'surname only: {region}')
print('\n'.join('\t'.join(r) for r in out))
