<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU" sourcelanguage="en_US">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Dispatch Desk</source>
        <translation>О программе Dispatch Desk</translation>
    </message>
    <message>
        <source>Dispatch Desk - the operator workspace of a delivery call-center</source>
        <translation>Dispatch Desk — рабочее место оператора службы доставки</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Версия:</translation>
    </message>
    <message>
        <source>pjsip:</source>
        <translation>pjsip:</translation>
    </message>
    <message>
        <source>Qt:</source>
        <translation>Qt:</translation>
    </message>
    <message>
        <source>Python:</source>
        <translation>Python:</translation>
    </message>
    <message>
        <source>Database server:</source>
        <translation>Сервер базы данных:</translation>
    </message>
    <message>
        <source>Schema revision:</source>
        <translation>Версия схемы:</translation>
    </message>
    <message>
        <source>Configuration files:</source>
        <translation>Файлы настроек:</translation>
    </message>
    <message>
        <source>License:</source>
        <translation>Лицензия:</translation>
    </message>
    <message>
        <source>Log file:</source>
        <translation>Журнал:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>База данных:</translation>
    </message>
</context>
<context>
    <name>AddressFields</name>
    <message>
        <source>Street, house, building</source>
        <translation>Улица, дом, корпус</translation>
    </message>
    <message>
        <source>Note for the courier (optional)</source>
        <translation>Заметка для экспедитора (необязательно)</translation>
    </message>
    <message>
        <source>Entrance</source>
        <translation>Подъезд</translation>
    </message>
    <message>
        <source>Floor</source>
        <translation>Этаж</translation>
    </message>
    <message>
        <source>Flat / office</source>
        <translation>Квартира / офис</translation>
    </message>
</context>
<context>
    <name>ArticlesWindow</name>
    <message>
        <source>Knowledge base articles</source>
        <translation>Статьи базы знаний</translation>
    </message>
    <message>
        <source>Words of the question (ё/е and word forms alike)</source>
        <translation>Слова вопроса (ё/е и формы слов не важны)</translation>
    </message>
    <message>
        <source>New (Ctrl+N)</source>
        <translation>Новая (Ctrl+N)</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Поиск</translation>
    </message>
    <message>
        <source>&amp;Question</source>
        <translation>&amp;Вопрос</translation>
    </message>
    <message>
        <source>&amp;Answer</source>
        <translation>&amp;Ответ</translation>
    </message>
    <message>
        <source>&amp;Keywords</source>
        <translation>&amp;Ключевые слова</translation>
    </message>
</context>
<context>
    <name>AttachCallerDialog</name>
    <message>
        <source>Attach to a client</source>
        <translation>Привязать к клиенту</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>Привязать</translation>
    </message>
</context>
<context>
    <name>Board</name>
    <message>
        <source>Order №%1 moved.</source>
        <translation>Заказ №%1 перенесён.</translation>
    </message>
    <message>
        <source>%1 has no phone number to call.</source>
        <translation>У клиента %1 нет номера телефона.</translation>
    </message>
    <message>
        <source>Calling %1, %2…</source>
        <translation>Звоним: %1, %2…</translation>
    </message>
    <message>
        <source>any time</source>
        <translation>в любое время</translation>
    </message>
    <message>
        <source>new</source>
        <translation>новая</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>отправлена</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>принята</translation>
    </message>
    <message>
        <source>done</source>
        <translation>доставлена</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>не доставлена</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменена</translation>
    </message>
    <message>
        <source>Failed: to reschedule</source>
        <translation>Не доставлены: перенести</translation>
    </message>
    <message>
        <source>Taken, not sent</source>
        <translation>Приняты, не отправлены</translation>
    </message>
    <message>
        <source>Not accepted by the courier</source>
        <translation>Не приняты экспедитором</translation>
    </message>
    <message>
        <source>Courier unavailable</source>
        <translation>Экспедитор недоступен</translation>
    </message>
    <message>
        <source>Portal: to confirm</source>
        <translation>Портал: подтвердить</translation>
    </message>
    <message>
        <source>⚠ outside the courier&apos;s hours</source>
        <translation>⚠ вне часов экспедитора</translation>
    </message>
    <message>
        <source>done %1 · failed %2 · left %3, %4 of %5</source>
        <translation>доставлено %1 · не доставлено %2 · осталось %3, %4 из %5</translation>
    </message>
    <message>
        <source>, last %1</source>
        <translation>, последнее %1</translation>
    </message>
    <message>
        <source>⚠ over capacity</source>
        <translation>⚠ перегруз</translation>
    </message>
    <message>
        <source>⚠ deactivated</source>
        <translation>⚠ отключён</translation>
    </message>
    <message>
        <source>⚠ off that day</source>
        <translation>⚠ выходной</translation>
    </message>
    <message>
        <source>⚠ slots outside hours</source>
        <translation>⚠ слоты вне часов</translation>
    </message>
    <message>
        <source>%1/%2 bottles</source>
        <translation>%1/%2 бут.</translation>
    </message>
    <message>
        <source>no deliveries</source>
        <translation>нет доставок</translation>
    </message>
    <message>
        <source>client proposes %1</source>
        <translation>клиент предлагает %1</translation>
    </message>
    <message>
        <source>today</source>
        <translation>сегодня</translation>
    </message>
    <message>
        <source>tomorrow</source>
        <translation>завтра</translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>вчера</translation>
    </message>
</context>
<context>
    <name>BoardWindow</name>
    <message>
        <source>Board</source>
        <translation>Доска</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>Reschedule order №%1</source>
        <translation>Перенести заказ №%1</translation>
    </message>
    <message>
        <source>Another courier for order №%1</source>
        <translation>Другой экспедитор для заказа №%1</translation>
    </message>
</context>
<context>
    <name>CallBar</name>
    <message>
        <source>No call</source>
        <translation>Нет звонка</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Положить трубку</translation>
    </message>
    <message>
        <source>To the courier</source>
        <translation>Экспедитору</translation>
    </message>
    <message>
        <source>Call the courier</source>
        <translation>Позвонить экспедитору</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>Удержание</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Перевести</translation>
    </message>
    <message>
        <source>DTMF</source>
        <translation>DTMF</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Микрофон выкл.</translation>
    </message>
    <message>
        <source>Waiting: %1</source>
        <translation>Ожидание: %1</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Снять с удержания</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Микрофон вкл.</translation>
    </message>
    <message>
        <source>(unverified)</source>
        <translation>(номер не подтверждён)</translation>
    </message>
    <message>
        <source>[complaint line]</source>
        <translation>[линия жалоб]</translation>
    </message>
    <message>
        <source>Courier of №%1: %2, %3</source>
        <translation>Экспедитор №%1: %2, %3</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Входящий звонок</translation>
    </message>
    <message>
        <source>Calling</source>
        <translation>Вызов</translation>
    </message>
    <message>
        <source>Ringing back</source>
        <translation>Идёт вызов</translation>
    </message>
    <message>
        <source>On the line</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>На удержании</translation>
    </message>
    <message>
        <source>Held by caller</source>
        <translation>Удержание абонентом</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Завершён</translation>
    </message>
    <message>
        <source>Transfer to:</source>
        <translation>Перевести на:</translation>
    </message>
    <message>
        <source>Digits to send:</source>
        <translation>Цифры для отправки:</translation>
    </message>
</context>
<context>
    <name>CallerPanel</name>
    <message>
        <source>Waiting for a call</source>
        <translation>Ожидание звонка</translation>
    </message>
    <message>
        <source>Search: name, address, phone, INN or #order (%1)</source>
        <translation>Поиск: имя, адрес, телефон, ИНН или №заказа (%1)</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Контактное лицо</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Тип</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Дубль</translation>
    </message>
    <message>
        <source>Order №</source>
        <translation>Заказ №</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>Экспедитор</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Время доставки</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Merge duplicates (%1)</source>
        <translation>Объединить дубли (%1)</translation>
    </message>
    <message>
        <source>Edit client card (%1)</source>
        <translation>Изменить карточку клиента (%1)</translation>
    </message>
    <message>
        <source>Attach to a client (%1)</source>
        <translation>Привязать к клиенту (%1)</translation>
    </message>
    <message>
        <source>Delivery addresses</source>
        <translation>Адреса доставки</translation>
    </message>
    <message>
        <source>Active deliveries</source>
        <translation>Текущие доставки</translation>
    </message>
    <message>
        <source>%1: %2 client(s)</source>
        <translation>%1: клиентов — %2</translation>
    </message>
    <message>
        <source>possible duplicates, pick the right one</source>
        <translation>возможны дубли, выберите нужного</translation>
    </message>
    <message>
        <source>%1: unknown number — new client</source>
        <translation>%1: неизвестный номер — новый клиент</translation>
    </message>
    <message>
        <source>company</source>
        <translation>организация</translation>
    </message>
    <message>
        <source>person</source>
        <translation>физлицо</translation>
    </message>
    <message>
        <source>DUPLICATE</source>
        <translation>ДУБЛЬ</translation>
    </message>
    <message>
        <source>Probably the same client: choose one, or merge them</source>
        <translation>Вероятно, это один клиент: выберите одного или объедините</translation>
    </message>
    <message>
        <source>same phone</source>
        <translation>тот же телефон</translation>
    </message>
    <message>
        <source>similar name</source>
        <translation>похожее имя</translation>
    </message>
    <message>
        <source>same INN</source>
        <translation>тот же ИНН</translation>
    </message>
    <message>
        <source>%1 client(s) found</source>
        <translation>Найдено клиентов: %1</translation>
    </message>
    <message>
        <source>Nothing found yet: type a name, address or phone</source>
        <translation>Пока ничего не найдено: введите имя, адрес или телефон</translation>
    </message>
    <message>
        <source>%1 — search the client by name, address or phone</source>
        <translation>%1 — найдите клиента по имени, адресу или телефону</translation>
    </message>
    <message>
        <source>flat %1</source>
        <translation>кв. %1</translation>
    </message>
    <message>
        <source>Last order №%1 of %2: %3</source>
        <translation>Последний заказ №%1 от %2: %3</translation>
    </message>
    <message>
        <source>No orders yet</source>
        <translation>Заказов ещё не было</translation>
    </message>
    <message>
        <source>Open complaint: %1</source>
        <translation>Открытая претензия: %1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Заметка: %1</translation>
    </message>
    <message>
        <source>TO RESCHEDULE: %1</source>
        <translation>ПЕРЕНЕСТИ: %1</translation>
    </message>
    <message>
        <source>The delivery failed: %1</source>
        <translation>Доставка не состоялась: %1</translation>
    </message>
    <message>
        <source>interest</source>
        <translation>интерес</translation>
    </message>
    <message>
        <source>in delivery</source>
        <translation>в доставке</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>закрыт</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>отказ</translation>
    </message>
    <message>
        <source>Merge %1 duplicate(s) into the selected client? Their phones, addresses, orders and calls move to it. This cannot be undone.</source>
        <translation>Объединить дубли (%1) с выбранным клиентом? Их телефоны, адреса, заказы и звонки перейдут к нему. Отменить это нельзя.</translation>
    </message>
    <message>
        <source>Merge duplicates</source>
        <translation>Объединить дубли</translation>
    </message>
</context>
<context>
    <name>CallsList</name>
    <message>
        <source>Today&apos;s calls</source>
        <translation>Звонки за сегодня</translation>
    </message>
    <message>
        <source>Missed calls to return; %1 calls back</source>
        <translation>Пропущенные звонки, на которые нужно перезвонить; %1 — перезвонить</translation>
    </message>
    <message>
        <source>Call back (%1)</source>
        <translation>Перезвонить (%1)</translation>
    </message>
</context>
<context>
    <name>CallsModel</name>
    <message>
        <source>answered</source>
        <translation>отвечен</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>пропущен</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>отклонён</translation>
    </message>
    <message>
        <source>order taken</source>
        <translation>заказ принят</translation>
    </message>
    <message>
        <source>order rejected</source>
        <translation>отказ</translation>
    </message>
    <message>
        <source>no order</source>
        <translation>без заказа</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Dir.</source>
        <translation>Напр.</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Итог</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Заказ</translation>
    </message>
    <message>
        <source>Talk</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>идёт</translation>
    </message>
    <message>
        <source>Withheld</source>
        <translation>Номер скрыт</translation>
    </message>
    <message>
        <source>This caller withheld the number: there is nothing to dial.</source>
        <translation>Звонивший скрыл номер: перезвонить некуда.</translation>
    </message>
</context>
<context>
    <name>CancelDialog</name>
    <message>
        <source>Cancel order #{0}</source>
        <translation>Отменить заказ №{0}</translation>
    </message>
    <message>
        <source>At the client&apos;s request</source>
        <translation>По просьбе клиента</translation>
    </message>
    <message>
        <source>Why is the order cancelled? The courier&apos;s phone shows the reason.</source>
        <translation>Почему заказ отменяется? Экспедитор увидит причину на телефоне.</translation>
    </message>
    <message>
        <source>Say why the order is cancelled.</source>
        <translation>Укажите, почему заказ отменяется.</translation>
    </message>
</context>
<context>
    <name>Catalogue</name>
    <message>
        <source>{0!r} is not a date: type it as dd.mm.yyyy.</source>
        <translation>«{0}» — не дата: введите в виде дд.мм.гггг.</translation>
    </message>
    <message>
        <source>Type the price in roubles, e.g. 350 or 350,50.</source>
        <translation>Введите цену в рублях, например 350 или 350,50.</translation>
    </message>
    <message>
        <source>Price set.</source>
        <translation>Цена установлена.</translation>
    </message>
    <message>
        <source>Product added.</source>
        <translation>Товар добавлен.</translation>
    </message>
    <message>
        <source>Product saved.</source>
        <translation>Товар сохранён.</translation>
    </message>
    <message>
        <source>Product disabled.</source>
        <translation>Товар больше не продаётся.</translation>
    </message>
    <message>
        <source>Product enabled.</source>
        <translation>Товар снова продаётся.</translation>
    </message>
    <message>
        <source>Type the product code.</source>
        <translation>Введите код товара.</translation>
    </message>
    <message>
        <source>Contract price set.</source>
        <translation>Цена по договору установлена.</translation>
    </message>
    <message>
        <source>Reason added.</source>
        <translation>Причина добавлена.</translation>
    </message>
    <message>
        <source>Reason renamed.</source>
        <translation>Причина переименована.</translation>
    </message>
    <message>
        <source>Reason no longer offered.</source>
        <translation>Причина больше не предлагается.</translation>
    </message>
    <message>
        <source>goods</source>
        <translation>товар</translation>
    </message>
    <message>
        <source>service</source>
        <translation>услуга</translation>
    </message>
    <message>
        <source>deposit</source>
        <translation>залог</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <source>no (disabled)</source>
        <translation>нет (снят с продажи)</translation>
    </message>
    <message>
        <source>standard</source>
        <translation>стандартная</translation>
    </message>
    <message>
        <source>Find a company and press Return.</source>
        <translation>Найдите организацию и нажмите Enter.</translation>
    </message>
    <message>
        <source>{0}: no contract yet; the first contract price makes one.</source>
        <translation>{0}: договора пока нет; первая цена по договору создаст его.</translation>
    </message>
    <message>
        <source>from the start</source>
        <translation>с начала</translation>
    </message>
    <message>
        <source>{0}: contract {1}</source>
        <translation>{0}: договор {1}</translation>
    </message>
    <message>
        <source>{0} · INN {1}</source>
        <translation>{0} · ИНН {1}</translation>
    </message>
    <message>
        <source>{0} (not offered)</source>
        <translation>{0} (не предлагается)</translation>
    </message>
    <message>
        <source>Enable (offer again)</source>
        <translation>Вернуть в продажу</translation>
    </message>
    <message>
        <source>Disable (stop offering)</source>
        <translation>Снять с продажи</translation>
    </message>
</context>
<context>
    <name>CatalogueWindow</name>
    <message>
        <source>Catalogue</source>
        <translation>Каталог</translation>
    </message>
    <message>
        <source>&amp;Products and prices</source>
        <translation>&amp;Товары и цены</translation>
    </message>
    <message>
        <source>&amp;Contract prices</source>
        <translation>&amp;Цены по договорам</translation>
    </message>
    <message>
        <source>&amp;Reject reasons</source>
        <translation>&amp;Причины отказа</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Ед.</translation>
    </message>
    <message>
        <source>Price today</source>
        <translation>Цена сегодня</translation>
    </message>
    <message>
        <source>Offered</source>
        <translation>Продаётся</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Whose</source>
        <translation>Чья</translation>
    </message>
    <message>
        <source>roubles, e.g. 350</source>
        <translation>рубли, напр. 350</translation>
    </message>
    <message>
        <source>dd.mm.yyyy, empty: today</source>
        <translation>дд.мм.гггг, пусто — сегодня</translation>
    </message>
    <message>
        <source>Set the price from this day</source>
        <translation>Установить цену с этого дня</translation>
    </message>
    <message>
        <source>New price:</source>
        <translation>Новая цена:</translation>
    </message>
    <message>
        <source>from:</source>
        <translation>с:</translation>
    </message>
    <message>
        <source>price for a new product</source>
        <translation>цена нового товара</translation>
    </message>
    <message>
        <source>Add a product</source>
        <translation>Добавить товар</translation>
    </message>
    <message>
        <source>Save the selected product</source>
        <translation>Сохранить выбранный товар</translation>
    </message>
    <message>
        <source>Code:</source>
        <translation>Код:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Название:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Вид:</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>Ед. изм.:</translation>
    </message>
    <message>
        <source>Price:</source>
        <translation>Цена:</translation>
    </message>
    <message>
        <source>Price history of the selected product:</source>
        <translation>История цен выбранного товара:</translation>
    </message>
    <message>
        <source>company name, INN or phone; Return</source>
        <translation>название организации, ИНН или телефон; Enter</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Товар</translation>
    </message>
    <message>
        <source>Contract price</source>
        <translation>Цена по договору</translation>
    </message>
    <message>
        <source>product code</source>
        <translation>код товара</translation>
    </message>
    <message>
        <source>roubles</source>
        <translation>рубли</translation>
    </message>
    <message>
        <source>from, empty: today</source>
        <translation>с, пусто — сегодня</translation>
    </message>
    <message>
        <source>contract until (optional)</source>
        <translation>по, пусто — бессрочно</translation>
    </message>
    <message>
        <source>Set the contract price</source>
        <translation>Установить цену по договору</translation>
    </message>
    <message>
        <source>reason text; Return adds it</source>
        <translation>текст причины; Enter добавляет</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Добавить</translation>
    </message>
    <message>
        <source>Rename the selected</source>
        <translation>Переименовать выбранную</translation>
    </message>
    <message>
        <source>Stop offering the selected</source>
        <translation>Больше не предлагать выбранную</translation>
    </message>
</context>
<context>
    <name>ClientCard</name>
    <message>
        <source>Loading the client card…</source>
        <translation>Карточка клиента загружается…</translation>
    </message>
    <message>
        <source>entrance %1</source>
        <translation>подъезд %1</translation>
    </message>
    <message>
        <source>floor %1</source>
        <translation>этаж %1</translation>
    </message>
    <message>
        <source>flat %1</source>
        <translation>кв. %1</translation>
    </message>
    <message>
        <source>intercom %1</source>
        <translation>домофон %1</translation>
    </message>
    <message>
        <source>[retired] %1</source>
        <translation>[не используется] %1</translation>
    </message>
    <message>
        <source>Cash to the courier</source>
        <translation>Наличными экспедитору</translation>
    </message>
    <message>
        <source>Invoice</source>
        <translation>По счёту</translation>
    </message>
    <message>
        <source>phone added</source>
        <translation>добавлен телефон</translation>
    </message>
    <message>
        <source>caller&apos;s number attached</source>
        <translation>привязан номер звонившего</translation>
    </message>
    <message>
        <source>phone removed</source>
        <translation>удалён телефон</translation>
    </message>
    <message>
        <source>address added</source>
        <translation>добавлен адрес</translation>
    </message>
    <message>
        <source>address changed</source>
        <translation>изменён адрес</translation>
    </message>
    <message>
        <source>address retired</source>
        <translation>адрес больше не используется</translation>
    </message>
    <message>
        <source>contact added</source>
        <translation>добавлено контактное лицо</translation>
    </message>
    <message>
        <source>contact changed</source>
        <translation>изменено контактное лицо</translation>
    </message>
    <message>
        <source>notes</source>
        <translation>заметка</translation>
    </message>
    <message>
        <source>payment terms</source>
        <translation>условия оплаты</translation>
    </message>
    <message>
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <source>No changes recorded yet</source>
        <translation>Изменений пока не было</translation>
    </message>
    <message>
        <source>No complaints</source>
        <translation>Претензий нет</translation>
    </message>
    <message>
        <source>This number is also on %1: a possible duplicate.</source>
        <translation>Этот номер есть и у %1: возможно, это дубль.</translation>
    </message>
    <message>
        <source>Attach %1 to %2? Return: attach, Esc: back to the list.</source>
        <translation>Привязать %1 к клиенту %2? Enter — привязать, Esc — назад к списку.</translation>
    </message>
    <message>
        <source>Whose number is %1? Type a name, address, phone or INN.</source>
        <translation>Чей это номер — %1? Введите имя, адрес, телефон или ИНН.</translation>
    </message>
</context>
<context>
    <name>ClientCardDialog</name>
    <message>
        <source>Client card</source>
        <translation>Карточка клиента</translation>
    </message>
    <message>
        <source>+7 916 123-45-67, 8 916…, 916…</source>
        <translation>+7 916 123-45-67, 8 916…, 916…</translation>
    </message>
    <message>
        <source>Add phone</source>
        <translation>Добавить телефон</translation>
    </message>
    <message>
        <source>Phones (Delete removes the selected one)</source>
        <translation>Телефоны (Delete удаляет выбранный)</translation>
    </message>
    <message>
        <source>New &amp;phone</source>
        <translation>Новый &amp;телефон</translation>
    </message>
    <message>
        <source>Street, house, building</source>
        <translation>Улица, дом, корпус</translation>
    </message>
    <message>
        <source>&amp;New address</source>
        <translation>&amp;Новый адрес</translation>
    </message>
    <message>
        <source>Save address</source>
        <translation>Сохранить адрес</translation>
    </message>
    <message>
        <source>Delivery addresses (Return edits the selected one, Delete retires it)</source>
        <translation>Адреса доставки (Enter — изменить выбранный, Delete — больше не использовать)</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>&amp;Адрес</translation>
    </message>
    <message>
        <source>Entrance</source>
        <translation>Подъезд</translation>
    </message>
    <message>
        <source>Floor</source>
        <translation>Этаж</translation>
    </message>
    <message>
        <source>Flat</source>
        <translation>Квартира</translation>
    </message>
    <message>
        <source>Intercom</source>
        <translation>Домофон</translation>
    </message>
    <message>
        <source>Courier n&amp;otes</source>
        <translation>Заметка для &amp;экспедитора</translation>
    </message>
    <message>
        <source>Add contact</source>
        <translation>Добавить контактное лицо</translation>
    </message>
    <message>
        <source>Contact persons</source>
        <translation>Контактные лица</translation>
    </message>
    <message>
        <source>Contact na&amp;me</source>
        <translation>&amp;Имя контактного лица</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Должность</translation>
    </message>
    <message>
        <source>Own phone</source>
        <translation>Свой телефон</translation>
    </message>
    <message>
        <source>Own delivery point</source>
        <translation>Свой адрес доставки</translation>
    </message>
    <message>
        <source>e.g. не звонить после 21:00</source>
        <translation>например, не звонить после 21:00</translation>
    </message>
    <message>
        <source>&amp;INN</source>
        <translation>ИН&amp;Н</translation>
    </message>
    <message>
        <source>No&amp;tes (Return saves)</source>
        <translation>&amp;Заметка (Enter сохраняет)</translation>
    </message>
    <message>
        <source>Pa&amp;yment</source>
        <translation>&amp;Оплата</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>&amp;История изменений</translation>
    </message>
    <message>
        <source>Co&amp;mplaints</source>
        <translation>&amp;Претензии</translation>
    </message>
    <message>
        <source>the client</source>
        <translation>клиенту</translation>
    </message>
    <message>
        <source>Editing the selected address</source>
        <translation>Изменяется выбранный адрес</translation>
    </message>
    <message>
        <source>New address</source>
        <translation>Новый адрес</translation>
    </message>
</context>
<context>
    <name>ComplaintDetails</name>
    <message>
        <source>deadline %1</source>
        <translation>срок %1</translation>
    </message>
    <message>
        <source>open</source>
        <translation>открыто</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>закрыто</translation>
    </message>
    <message>
        <source>%1 — by %2</source>
        <translation>%1 — до %2</translation>
    </message>
    <message>
        <source>№%1 %2: the %3 thread was due %4</source>
        <translation>№%1 %2: обсуждение «%3» просрочено (срок %4)</translation>
    </message>
    <message>
        <source>№%1 %2: not satisfied (%3), review it</source>
        <translation>№%1 %2: клиент не удовлетворён (%3), разберите</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 ч</translation>
    </message>
    <message>
        <source>no longer offered</source>
        <translation>больше не предлагается</translation>
    </message>
</context>
<context>
    <name>ComplaintDetailsWindow</name>
    <message>
        <source>Complaint №%1</source>
        <translation>Претензия №%1</translation>
    </message>
    <message>
        <source>Message to the selected department (Return)</source>
        <translation>Сообщение выбранному подразделению (Enter)</translation>
    </message>
    <message>
        <source>Department, e.g. Logistics</source>
        <translation>Подразделение, например Логистика</translation>
    </message>
    <message>
        <source>Draw in (Ctrl+D, Return)</source>
        <translation>Подключить (Ctrl+D, Enter)</translation>
    </message>
    <message>
        <source>Why it is reopened / what the review found</source>
        <translation>Почему открыта снова / итог разбора</translation>
    </message>
    <message>
        <source>Reopen (Ctrl+R)</source>
        <translation>Открыть снова (Ctrl+R)</translation>
    </message>
    <message>
        <source>Reviewed (Ctrl+Shift+R)</source>
        <translation>Разобрано (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <source>Photos (Ctrl+P or Return opens the selected one)</source>
        <translation>Фото (Ctrl+P или Enter открывает выбранное)</translation>
    </message>
    <message>
        <source>Departments (Ctrl+L closes the selected thread)</source>
        <translation>Подразделения (Ctrl+L закрывает выбранное обсуждение)</translation>
    </message>
</context>
<context>
    <name>ComplaintForm</name>
    <message>
        <source>Register a complaint</source>
        <translation>Регистрация претензии</translation>
    </message>
    <message>
        <source>What happened, in the client&apos;s words</source>
        <translation>Что случилось, словами клиента</translation>
    </message>
    <message>
        <source>e.g. Logistics (optional)</source>
        <translation>например, Логистика (необязательно)</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>&amp;Причина</translation>
    </message>
    <message>
        <source>&amp;Description</source>
        <translation>&amp;Описание</translation>
    </message>
    <message>
        <source>Client &amp;asks for</source>
        <translation>Клиент &amp;просит</translation>
    </message>
    <message>
        <source>&amp;Priority</source>
        <translation>П&amp;риоритет</translation>
    </message>
    <message>
        <source>&amp;Guilty department</source>
        <translation>&amp;Виновное подразделение</translation>
    </message>
    <message>
        <source>Register (Ctrl+Return)</source>
        <translation>Зарегистрировать (Ctrl+Enter)</translation>
    </message>
</context>
<context>
    <name>ComplaintReasonsWindow</name>
    <message>
        <source>Complaint reasons</source>
        <translation>Причины претензий</translation>
    </message>
    <message>
        <source>New reason (Return adds)</source>
        <translation>Новая причина (Enter добавляет)</translation>
    </message>
    <message>
        <source> h</source>
        <translation> ч</translation>
    </message>
    <message>
        <source>Delete: stop offering the selected reason</source>
        <translation>Delete: больше не предлагать выбранную причину</translation>
    </message>
</context>
<context>
    <name>Complaints</name>
    <message>
        <source>Not named</source>
        <translation>Не указано</translation>
    </message>
    <message>
        <source>Redelivery</source>
        <translation>Повторная доставка</translation>
    </message>
    <message>
        <source>Replacement</source>
        <translation>Замена</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>Возврат денег</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Обычный</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Высокий</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Низкий</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Зарегистрирована</translation>
    </message>
    <message>
        <source>In work</source>
        <translation>В работе</translation>
    </message>
    <message>
        <source>Resolved, satisfied</source>
        <translation>Решена, удовлетворена</translation>
    </message>
    <message>
        <source>Resolved, not satisfied</source>
        <translation>Решена, не удовлетворена</translation>
    </message>
    <message>
        <source>Complaint of %1</source>
        <translation>Претензия: %1</translation>
    </message>
    <message>
        <source>Complaint of %1 about order №%2</source>
        <translation>Претензия: %1, по заказу №%2</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>№</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>Срок</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Описание</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <source>%1 overdue</source>
        <translation>%1 просрочена</translation>
    </message>
    <message>
        <source>Complaints: %1 overdue</source>
        <translation>Претензии: просрочено %1</translation>
    </message>
    <message>
        <source>№%1 %2: %3 — overdue</source>
        <translation>№%1 %2: %3 — просрочена</translation>
    </message>
    <message>
        <source>№%1 %2: the %3 thread is overdue</source>
        <translation>№%1 %2: просрочено обсуждение «%3»</translation>
    </message>
    <message>
        <source>№%1 %2: not satisfied, review it</source>
        <translation>№%1 %2: не удовлетворена, разберите</translation>
    </message>
    <message>
        <source>Portal message from %1, due %2: %3</source>
        <translation>Сообщение с портала от %1, ответить до %2: %3</translation>
    </message>
</context>
<context>
    <name>ComplaintsDesk</name>
    <message>
        <source>Pick the client first: the complaint is theirs.</source>
        <translation>Сначала выберите клиента: претензия — его.</translation>
    </message>
    <message>
        <source>Complaint №%1 registered.</source>
        <translation>Претензия №%1 зарегистрирована.</translation>
    </message>
    <message>
        <source>Complaints overdue</source>
        <translation>Просроченные претензии</translation>
    </message>
</context>
<context>
    <name>ComplaintsWindow</name>
    <message>
        <source>Complaints</source>
        <translation>Претензии</translation>
    </message>
    <message>
        <source>Search: client, words of the text, reason</source>
        <translation>Поиск: клиент, слова текста, причина</translation>
    </message>
    <message>
        <source>Waiting for the lead: threads past their date, reviews, portal messages (Return answers one)</source>
        <translation>Ждут старшего: просроченные обсуждения, разборы, сообщения с портала (Enter — ответить)</translation>
    </message>
    <message>
        <source>Return: open the complaint · Ctrl+Return: resolve the selected one</source>
        <translation>Enter: открыть претензию · Ctrl+Enter: закрыть выбранную</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Решить</translation>
    </message>
    <message>
        <source>Result:</source>
        <translation>Результат:</translation>
    </message>
    <message>
        <source>Is the client satisfied?</source>
        <translation>Клиент удовлетворён?</translation>
    </message>
</context>
<context>
    <name>Couriers</name>
    <message>
        <source>Mon</source>
        <translation>Пн</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>Вт</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>Ср</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>Чт</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>Пт</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>Сб</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>Вс</translation>
    </message>
    <message>
        <source>every day</source>
        <translation>ежедневно</translation>
    </message>
    <message>
        <source>any time</source>
        <translation>в любое время</translation>
    </message>
    <message>
        <source>active</source>
        <translation>работает</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>отключён</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>Включить</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Отключить</translation>
    </message>
    <message>
        <source>Valid until {0} ({1} min), once.</source>
        <translation>Действует до {0} ({1} мин), один раз.</translation>
    </message>
    <message>
        <source>The courier sync service refused this desk&apos;s site key: ask the admin to check the sync settings.</source>
        <translation>Сервис синхронизации отклонил ключ этого рабочего места: попросите администратора проверить настройки синхронизации.</translation>
    </message>
    <message>
        <source>The courier sync service cannot be reached now; nothing was issued. Try again in a minute ({0}).</source>
        <translation>Сервис синхронизации сейчас недоступен; ничего не выдано. Повторите через минуту ({0}).</translation>
    </message>
    <message>
        <source>The courier sync service refused: {0}</source>
        <translation>Сервис синхронизации отказал: {0}</translation>
    </message>
    <message>
        <source>The phone sign-in failed; details are in the log.</source>
        <translation>Не удалось выдать вход на телефон; подробности в журнале.</translation>
    </message>
    <message>
        <source>Saved: {0}.</source>
        <translation>Сохранено: {0}.</translation>
    </message>
    <message>
        <source>{0} takes deliveries again.</source>
        <translation>{0} снова принимает доставки.</translation>
    </message>
    <message>
        <source>{0} is deactivated: no longer suggested nor offered; past deliveries are kept.</source>
        <translation>{0} отключён: больше не предлагается и не подставляется; прошлые доставки сохранены.</translation>
    </message>
    <message>
        <source>The courier sync service is not set up at this desk: enter its address and site key in Settings (Ctrl+,).</source>
        <translation>Сервис синхронизации с экспедиторами не настроен на этом рабочем месте: укажите его адрес и ключ в настройках (Ctrl+,).</translation>
    </message>
    <message>
        <source>Sign-in for {0}: type the code on the courier page or scan the QR code.</source>
        <translation>Вход на телефон экспедитора ({0}): введите код на странице экспедитора или отсканируйте QR-код.</translation>
    </message>
    <message>
        <source>Phone sign-in revoked: {0} phone(s) signed out, {1} unused code(s) voided.</source>
        <translation>Вход отозван: телефонов отключено — {0}, неиспользованных кодов аннулировано — {1}.</translation>
    </message>
</context>
<context>
    <name>CouriersWindow</name>
    <message>
        <source>Couriers</source>
        <translation>Экспедиторы</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Bottles</source>
        <translation>Бутылей</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Дни</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>Часы</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>bottles per trip</source>
        <translation>бутылей за рейс</translation>
    </message>
    <message>
        <source>09:00-18:00; empty: any time</source>
        <translation>09:00-18:00; пусто — в любое время</translation>
    </message>
    <message>
        <source>New courier (Ctrl+N)</source>
        <translation>Новый экспедитор (Ctrl+N)</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Отключить</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Имя</translation>
    </message>
    <message>
        <source>P&amp;hone</source>
        <translation>&amp;Телефон</translation>
    </message>
    <message>
        <source>&amp;Capacity</source>
        <translation>&amp;Вместимость</translation>
    </message>
    <message>
        <source>Working days</source>
        <translation>Рабочие дни</translation>
    </message>
    <message>
        <source>Working ho&amp;urs</source>
        <translation>Рабочие &amp;часы</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>Экспедитор</translation>
    </message>
    <message>
        <source>Issue phone sign-in (Ctrl+P)</source>
        <translation>Выдать вход на телефон (Ctrl+P)</translation>
    </message>
    <message>
        <source>Revoke sign-in</source>
        <translation>Отозвать вход</translation>
    </message>
    <message>
        <source>Courier&apos;s phone</source>
        <translation>Телефон экспедитора</translation>
    </message>
</context>
<context>
    <name>CrashHandling</name>
    <message>
        <source>Something went wrong (%1). The workspace keeps running.</source>
        <translation>Произошла ошибка (%1). Рабочее место продолжает работать.</translation>
    </message>
    <message>
        <source>The details are in the log: %1</source>
        <translation>Подробности в журнале: %1</translation>
    </message>
    <message>
        <source>Dispatch Desk stopped unexpectedly last time. The crash report was saved to
%1
Please pass it to your administrator.</source>
        <translation>В прошлый раз Dispatch Desk завершился аварийно. Отчёт сохранён в
%1
Передайте его администратору.</translation>
    </message>
</context>
<context>
    <name>InvitationDialog</name>
    <message>
        <source>Portal invitation</source>
        <translation>Приглашение на портал</translation>
    </message>
    <message>
        <source>&amp;Copy link and code (Ctrl+C)</source>
        <translation>&amp;Копировать ссылку и код (Ctrl+C)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Ссылка</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>Скопировано.</translation>
    </message>
</context>
<context>
    <name>Journal</name>
    <message>
        <source>Outgoing call</source>
        <translation>Исходящий звонок</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Входящий звонок</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Эл. письмо</translation>
    </message>
    <message>
        <source>Portal reply</source>
        <translation>Ответ на портале</translation>
    </message>
    <message>
        <source>Portal message</source>
        <translation>Сообщение с портала</translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation>Встреча</translation>
    </message>
    <message>
        <source>planned, done</source>
        <translation>запланирован, выполнен</translation>
    </message>
    <message>
        <source>planned, open</source>
        <translation>запланирован, не выполнен</translation>
    </message>
    <message>
        <source>reviewed</source>
        <translation>рассмотрено</translation>
    </message>
    <message>
        <source>review after %1</source>
        <translation>рассмотреть после %1</translation>
    </message>
    <message>
        <source>answer overdue since %1</source>
        <translation>ответ просрочен с %1</translation>
    </message>
    <message>
        <source>answer by %1</source>
        <translation>ответить до %1</translation>
    </message>
    <message>
        <source>Interactions of %1</source>
        <translation>Взаимодействия оператора %1</translation>
    </message>
    <message>
        <source>Interactions with %1</source>
        <translation>Взаимодействия с клиентом %1</translation>
    </message>
    <message>
        <source>Message from %1</source>
        <translation>Сообщение от %1</translation>
    </message>
    <message>
        <source>Message from %1, answer by %2</source>
        <translation>Сообщение от %1, ответить до %2</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>Review after (Ctrl+D)</source>
        <translation>Рассмотреть после (Ctrl+D)</translation>
    </message>
    <message>
        <source>Reviewed (Ctrl+R)</source>
        <translation>Рассмотрено (Ctrl+R)</translation>
    </message>
    <message>
        <source>Reply on the portal (Return)</source>
        <translation>Ответить на портале (Enter)</translation>
    </message>
    <message>
        <source>SMS, e-mail or meeting: what was said (Return adds)</source>
        <translation>SMS, письмо или встреча: о чём договорились (Enter добавляет)</translation>
    </message>
    <message>
        <source>N&amp;ote</source>
        <translation>За&amp;метка</translation>
    </message>
</context>
<context>
    <name>KnowledgeDock</name>
    <message>
        <source>Knowledge base</source>
        <translation>База знаний</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Dispatch Desk</source>
        <translation>Dispatch Desk</translation>
    </message>
    <message>
        <source>SIP: starting…</source>
        <translation>SIP: запуск…</translation>
    </message>
    <message>
        <source>Order entry is not available in this build.</source>
        <translation>Ввод заказов недоступен в этой сборке.</translation>
    </message>
    <message>
        <source>New client form is not available in this build.</source>
        <translation>Форма нового клиента недоступна в этой сборке.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Настройки…</translation>
    </message>
    <message>
        <source>Switch operator…</source>
        <translation>Сменить оператора…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>&amp;Звонок</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Положить трубку</translation>
    </message>
    <message>
        <source>Reject (busy)</source>
        <translation>Отклонить (занято)</translation>
    </message>
    <message>
        <source>Hold / resume</source>
        <translation>Удержание / продолжить</translation>
    </message>
    <message>
        <source>Transfer…</source>
        <translation>Перевести…</translation>
    </message>
    <message>
        <source>Mute / unmute</source>
        <translation>Выключить / включить микрофон</translation>
    </message>
    <message>
        <source>Transfer to the order&apos;s courier</source>
        <translation>Перевести на экспедитора заказа</translation>
    </message>
    <message>
        <source>Call the order&apos;s courier</source>
        <translation>Позвонить экспедитору заказа</translation>
    </message>
    <message>
        <source>Send DTMF…</source>
        <translation>Отправить DTMF…</translation>
    </message>
    <message>
        <source>Call back the selected number</source>
        <translation>Перезвонить на выбранный номер</translation>
    </message>
    <message>
        <source>Calls of the day and callbacks</source>
        <translation>Звонки за день и перезвоны</translation>
    </message>
    <message>
        <source>&amp;Order</source>
        <translation>З&amp;аказ</translation>
    </message>
    <message>
        <source>Search clients</source>
        <translation>Поиск клиентов</translation>
    </message>
    <message>
        <source>New client</source>
        <translation>Новый клиент</translation>
    </message>
    <message>
        <source>Merge duplicates…</source>
        <translation>Объединить дубли…</translation>
    </message>
    <message>
        <source>Repeat the last order</source>
        <translation>Повторить последний заказ</translation>
    </message>
    <message>
        <source>Add a product</source>
        <translation>Добавить товар</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>Экспедитор</translation>
    </message>
    <message>
        <source>Delivery date</source>
        <translation>Дата доставки</translation>
    </message>
    <message>
        <source>Time window</source>
        <translation>Интервал доставки</translation>
    </message>
    <message>
        <source>Comment for the courier</source>
        <translation>Комментарий для экспедитора</translation>
    </message>
    <message>
        <source>Confirm client / slot</source>
        <translation>Подтвердить клиента / время</translation>
    </message>
    <message>
        <source>Send to delivery</source>
        <translation>Отправить в доставку</translation>
    </message>
    <message>
        <source>Reject the interest…</source>
        <translation>Отказ по интересу…</translation>
    </message>
    <message>
        <source>Open an order by number</source>
        <translation>Открыть заказ по номеру</translation>
    </message>
    <message>
        <source>&amp;References</source>
        <translation>&amp;Справочники</translation>
    </message>
    <message>
        <source>Catalogue…</source>
        <translation>Каталог…</translation>
    </message>
    <message>
        <source>Couriers…</source>
        <translation>Экспедиторы…</translation>
    </message>
    <message>
        <source>Complaint reasons…</source>
        <translation>Причины претензий…</translation>
    </message>
    <message>
        <source>&amp;Shift</source>
        <translation>&amp;Смена</translation>
    </message>
    <message>
        <source>Board…</source>
        <translation>Доска…</translation>
    </message>
    <message>
        <source>Reports…</source>
        <translation>Отчёты…</translation>
    </message>
    <message>
        <source>Register a complaint…</source>
        <translation>Зарегистрировать претензию…</translation>
    </message>
    <message>
        <source>Complaints…</source>
        <translation>Претензии…</translation>
    </message>
    <message>
        <source>Portal orders to confirm…</source>
        <translation>Заказы с портала…</translation>
    </message>
    <message>
        <source>&amp;Demo</source>
        <translation>&amp;Демо</translation>
    </message>
    <message>
        <source>Place a test call</source>
        <translation>Тестовый звонок</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>Shortcut map</source>
        <translation>Горячие клавиши</translation>
    </message>
    <message>
        <source>About Dispatch Desk</source>
        <translation>О программе Dispatch Desk</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Входящий звонок</translation>
    </message>
</context>
<context>
    <name>NewClientForm</name>
    <message>
        <source>Discard it</source>
        <translation>Удалить его</translation>
    </message>
    <message>
        <source>Private person</source>
        <translation>Частное лицо</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Организация</translation>
    </message>
    <message>
        <source>Surname, name, patronymic — or the company&apos;s name</source>
        <translation>Фамилия, имя, отчество — или название организации</translation>
    </message>
    <message>
        <source>10 or 12 digits</source>
        <translation>10 или 12 цифр</translation>
    </message>
    <message>
        <source>&amp;INN</source>
        <translation>&amp;ИНН</translation>
    </message>
    <message>
        <source>Any form; several numbers separated by ; or ,</source>
        <translation>В любом виде; несколько номеров через ; или ,</translation>
    </message>
    <message>
        <source>Another address</source>
        <translation>Ещё адрес</translation>
    </message>
    <message>
        <source>Looks like an existing client (Return to use it):</source>
        <translation>Похоже на существующего клиента (Enter — выбрать его):</translation>
    </message>
    <message>
        <source>Save client ({0})</source>
        <translation>Сохранить клиента ({0})</translation>
    </message>
    <message>
        <source>&amp;Kind</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;ФИО / название</translation>
    </message>
    <message>
        <source>&amp;Phones</source>
        <translation>&amp;Телефоны</translation>
    </message>
    <message>
        <source>Delivery address</source>
        <translation>Адрес доставки</translation>
    </message>
    <message>
        <source>Address {0}</source>
        <translation>Адрес {0}</translation>
    </message>
    <message>
        <source>Still needed: {0}</source>
        <translation>Ещё нужно: {0}</translation>
    </message>
    <message>
        <source>same phone</source>
        <translation>тот же телефон</translation>
    </message>
    <message>
        <source>same INN</source>
        <translation>тот же ИНН</translation>
    </message>
    <message>
        <source>similar name at this address</source>
        <translation>похожее имя по этому адресу</translation>
    </message>
</context>
<context>
    <name>NewClientViewModel</name>
    <message>
        <source>{0} is an internal extension, not a phone.</source>
        <translation>{0} — внутренний номер, а не телефон.</translation>
    </message>
    <message>
        <source>{0} is not a phone number.</source>
        <translation>{0} — не номер телефона.</translation>
    </message>
    <message>
        <source>a name</source>
        <translation>имя</translation>
    </message>
    <message>
        <source>a delivery address</source>
        <translation>адрес доставки</translation>
    </message>
    <message>
        <source>Type the client&apos;s name.</source>
        <translation>Введите имя клиента.</translation>
    </message>
    <message>
        <source>The name is {0} characters long; at most {1}.</source>
        <translation>В имени {0} символов; допустимо не больше {1}.</translation>
    </message>
    <message>
        <source>Type the delivery address.</source>
        <translation>Введите адрес доставки.</translation>
    </message>
    <message>
        <source>An INN has digits only.</source>
        <translation>ИНН состоит только из цифр.</translation>
    </message>
    <message>
        <source>An INN has 10 digits (company) or 12 (entrepreneur).</source>
        <translation>В ИНН 10 цифр (организация) или 12 (ИП).</translation>
    </message>
    <message>
        <source>INN {0} is not valid: its check digit is wrong.</source>
        <translation>ИНН {0} недействителен: неверная контрольная цифра.</translation>
    </message>
    <message>
        <source>The address is {0} characters long; at most {1}.</source>
        <translation>В адресе {0} символов; допустимо не больше {1}.</translation>
    </message>
    <message>
        <source>Entrance, floor and flat take at most {0} characters each.</source>
        <translation>Подъезд, этаж и квартира — не больше {0} символов каждое.</translation>
    </message>
    <message>
        <source>An unsaved client from {0} was restored.</source>
        <translation>Восстановлен несохранённый клиент от {0}.</translation>
    </message>
    <message>
        <source>To save the client, add {0}.</source>
        <translation>Чтобы сохранить клиента, укажите: {0}.</translation>
    </message>
    <message>
        <source>the database could not be written (details are in the log)</source>
        <translation>не удалось записать в базу данных (подробности в журнале)</translation>
    </message>
    <message>
        <source>Not saved: {0}. Your input is kept and saved on this computer; press {1} to try again.</source>
        <translation>Не сохранено: {0}. Введённые данные сохранены на этом компьютере; нажмите {1}, чтобы повторить.</translation>
    </message>
    <message>
        <source>Not saved: {0}. Your input is kept; press {1} to try again.</source>
        <translation>Не сохранено: {0}. Введённые данные не потеряны; нажмите {1}, чтобы повторить.</translation>
    </message>
</context>
<context>
    <name>OperatorJournalDialog</name>
    <message>
        <source>Interactions journal</source>
        <translation>Журнал взаимодействий</translation>
    </message>
    <message>
        <source>O&amp;perator</source>
        <translation>О&amp;ператор</translation>
    </message>
</context>
<context>
    <name>OrderEntryViewModel</name>
    <message>
        <source>flat {0}</source>
        <translation>кв. {0}</translation>
    </message>
    <message>
        <source>entrance {0}</source>
        <translation>подъезд {0}</translation>
    </message>
    <message>
        <source>floor {0}</source>
        <translation>этаж {0}</translation>
    </message>
    <message>
        <source>any time</source>
        <translation>в любое время</translation>
    </message>
    <message>
        <source>#{0} · {1} {2} · {3} · {4}</source>
        <translation>№{0} · {1} {2} · {3} · {4}</translation>
    </message>
    <message>
        <source>no courier</source>
        <translation>без экспедитора</translation>
    </message>
    <message>
        <source>Last order #{0} of {1}: {2} — {3}</source>
        <translation>Последний заказ №{0} от {1}: {2} — {3}</translation>
    </message>
    <message>
        <source>a client</source>
        <translation>клиента</translation>
    </message>
    <message>
        <source>a delivery address</source>
        <translation>адрес доставки</translation>
    </message>
    <message>
        <source>at least one product</source>
        <translation>хотя бы один товар</translation>
    </message>
    <message>
        <source>a courier</source>
        <translation>экспедитора</translation>
    </message>
    <message>
        <source>a delivery date</source>
        <translation>дату доставки</translation>
    </message>
    <message>
        <source>a delivery date from today on</source>
        <translation>дату доставки не раньше сегодняшней</translation>
    </message>
    <message>
        <source>a change: products, address, comment, payment, courier or slot</source>
        <translation>изменение: товары, адрес, комментарий, оплату, экспедитора или время</translation>
    </message>
    <message>
        <source>Choose the delivery address.</source>
        <translation>Выберите адрес доставки.</translation>
    </message>
    <message>
        <source>Add at least one product.</source>
        <translation>Добавьте хотя бы один товар.</translation>
    </message>
    <message>
        <source>Choose a courier.</source>
        <translation>Выберите экспедитора.</translation>
    </message>
    <message>
        <source>Choose the delivery date.</source>
        <translation>Выберите дату доставки.</translation>
    </message>
    <message>
        <source>{0:%d.%m.%Y} is in the past: choose today or a later day.</source>
        <translation>{0:%d.%m.%Y} уже прошло: выберите сегодня или более поздний день.</translation>
    </message>
    <message>
        <source>The window must end after it starts.</source>
        <translation>Интервал должен заканчиваться позже, чем начинается.</translation>
    </message>
    <message>
        <source>The comment is {0} characters long; the courier&apos;s phone takes {1}.</source>
        <translation>В комментарии {0} символов; телефон экспедитора принимает {1}.</translation>
    </message>
    <message>
        <source>Nothing changed yet: change the products, address, comment, payment, courier, date or window.</source>
        <translation>Пока ничего не изменено: измените товары, адрес, комментарий, оплату, экспедитора, дату или интервал.</translation>
    </message>
    <message>
        <source>An unsaved order from {0} was restored.</source>
        <translation>Восстановлен несохранённый заказ от {0}.</translation>
    </message>
    <message>
        <source>The unsaved order could not be reopened: {0} It stays saved on this computer.</source>
        <translation>Не удалось открыть несохранённый заказ: {0} Он остаётся сохранённым на этом компьютере.</translation>
    </message>
    <message>
        <source>Order #{0} is {1}: it cannot be changed any more.</source>
        <translation>Заказ №{0} {1}: его уже нельзя изменить.</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>закрыт</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>отклонён</translation>
    </message>
    <message>
        <source>out for delivery</source>
        <translation>в доставке</translation>
    </message>
    <message>
        <source>an interest</source>
        <translation>интерес</translation>
    </message>
    <message>
        <source>{0} has no earlier order to repeat.</source>
        <translation>У клиента {0} нет прежнего заказа для повтора.</translation>
    </message>
    <message>
        <source>{0} is not in this client&apos;s price list any more.</source>
        <translation>{0} больше нет в прайс-листе этого клиента.</translation>
    </message>
    <message>
        <source>{0} is not in this client&apos;s price list.</source>
        <translation>{0} нет в прайс-листе этого клиента.</translation>
    </message>
    <message>
        <source>Quantity must be between 1 and 10 000.</source>
        <translation>Количество — от 1 до 10 000.</translation>
    </message>
    <message>
        <source>This address is not a delivery point of the client.</source>
        <translation>Этот адрес не является адресом доставки клиента.</translation>
    </message>
    <message>
        <source>A time window needs a start before its end.</source>
        <translation>Начало интервала должно быть раньше конца.</translation>
    </message>
    <message>
        <source>Choose the client first.</source>
        <translation>Сначала выберите клиента.</translation>
    </message>
    <message>
        <source>The products of saved order #{0} cannot be changed here.</source>
        <translation>Товары сохранённого заказа №{0} здесь изменить нельзя.</translation>
    </message>
    <message>
        <source>Suggested: {0} — {1}</source>
        <translation>Предложено: {0} — {1}</translation>
    </message>
    <message>
        <source>No courier serves this address yet: choose one ({0}).</source>
        <translation>Этот адрес пока не обслуживает ни один экспедитор: выберите ({0}).</translation>
    </message>
    <message>
        <source>To send the order, add {0}.</source>
        <translation>Чтобы отправить заказ, укажите {0}.</translation>
    </message>
    <message>
        <source>Open an order that is out for delivery first.</source>
        <translation>Сначала откройте заказ, который в доставке.</translation>
    </message>
    <message>
        <source>To save the order, add {0}.</source>
        <translation>Чтобы сохранить заказ, укажите: {0}.</translation>
    </message>
    <message>
        <source>Open the order to cancel first (its number, or a delivery).</source>
        <translation>Сначала откройте заказ, который нужно отменить (по номеру или из списка доставок).</translation>
    </message>
    <message>
        <source>Say why the order is cancelled.</source>
        <translation>Укажите, почему заказ отменяется.</translation>
    </message>
    <message>
        <source>the database could not be written (details are in the log)</source>
        <translation>не удалось записать в базу данных (подробности в журнале)</translation>
    </message>
    <message>
        <source>Not saved: {0}. Your input is kept and saved on this computer; press {1} to try again.</source>
        <translation>Не сохранено: {0}. Введённые данные сохранены на этом компьютере; нажмите {1}, чтобы повторить.</translation>
    </message>
    <message>
        <source>Not saved: {0}. Your input is kept; press {1} to try again.</source>
        <translation>Не сохранено: {0}. Введённые данные не потеряны; нажмите {1}, чтобы повторить.</translation>
    </message>
    <message>
        <source>Order #{0} sent to delivery: {1}.</source>
        <translation>Заказ №{0} отправлен в доставку: {1}.</translation>
    </message>
    <message>
        <source>Order #{0} saved: {1}.</source>
        <translation>Заказ №{0} сохранён: {1}.</translation>
    </message>
    <message>
        <source>Order #{0} cancelled: the courier&apos;s task was withdrawn.</source>
        <translation>Заказ №{0} отменён: задача снята с телефона экспедитора.</translation>
    </message>
    <message>
        <source>Order #{0} rejected.</source>
        <translation>Заказ №{0}: отказ.</translation>
    </message>
</context>
<context>
    <name>OrderPanel</name>
    <message>
        <source>Discard it</source>
        <translation>Удалить его</translation>
    </message>
    <message>
        <source>Pa&amp;yment</source>
        <translation>&amp;Оплата</translation>
    </message>
    <message>
        <source>Product: name or code, Return adds, +/− quantity</source>
        <translation>Товар: название или код, Enter — добавить, +/− — количество</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Товар</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>Кол-во</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <source>Return: the client agrees to this courier and slot</source>
        <translation>Enter: клиент согласен на этого экспедитора и время</translation>
    </message>
    <message>
        <source>Comment for the courier</source>
        <translation>Комментарий для экспедитора</translation>
    </message>
    <message>
        <source>Repeat last</source>
        <translation>Повторить последний</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Отказ…</translation>
    </message>
    <message>
        <source>Cancel order…</source>
        <translation>Отменить заказ…</translation>
    </message>
    <message>
        <source>Cash to the courier</source>
        <translation>Наличными экспедитору</translation>
    </message>
    <message>
        <source>By invoice</source>
        <translation>По счёту</translation>
    </message>
    <message>
        <source>Send to delivery</source>
        <translation>Отправить в доставку</translation>
    </message>
    <message>
        <source>Order number: change or cancel it</source>
        <translation>Номер заказа: изменить или отменить</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>&amp;Адрес</translation>
    </message>
    <message>
        <source>&amp;Product</source>
        <translation>&amp;Товар</translation>
    </message>
    <message>
        <source>Open order №</source>
        <translation>Открыть заказ №</translation>
    </message>
    <message>
        <source>Courier, date and time window</source>
        <translation>Экспедитор, дата и интервал</translation>
    </message>
    <message>
        <source>Deliveries of the client (Return opens)</source>
        <translation>Доставки клиента (Enter — открыть)</translation>
    </message>
    <message>
        <source>Open the order to cancel first.</source>
        <translation>Сначала откройте заказ, который нужно отменить.</translation>
    </message>
    <message>
        <source>No product matches {0!r}.</source>
        <translation>Нет товара по запросу {0!r}.</translation>
    </message>
    <message>
        <source>Choose why the interest was rejected.</source>
        <translation>Выберите причину отказа.</translation>
    </message>
    <message>
        <source>Type the order number, e.g. 1024.</source>
        <translation>Введите номер заказа, например 1024.</translation>
    </message>
    <message>
        <source>No client chosen</source>
        <translation>Клиент не выбран</translation>
    </message>
    <message>
        <source>Order #{0} needs a new delivery slot.</source>
        <translation>Заказу №{0} нужно новое время доставки.</translation>
    </message>
    <message>
        <source>Total: {0}</source>
        <translation>Итого: {0}</translation>
    </message>
    <message>
        <source>— choose a courier —</source>
        <translation>— выберите экспедитора —</translation>
    </message>
    <message>
        <source>Order #{0} is out for delivery: change its products, address, comment, payment, courier or slot; the courier&apos;s phone shows what changed.</source>
        <translation>Заказ №{0} в доставке: можно изменить товары, адрес, комментарий, оплату, экспедитора или время; экспедитор увидит на телефоне, что изменилось.</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>Сохранить изменения</translation>
    </message>
    <message>
        <source>no slot yet</source>
        <translation>время не выбрано</translation>
    </message>
    <message>
        <source>Slot: {0}</source>
        <translation>Время: {0}</translation>
    </message>
    <message>
        <source>Still needed: {0}</source>
        <translation>Ещё нужно: {0}</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Выполняется…</translation>
    </message>
    <message>
        <source>{0} — day off</source>
        <translation>{0} — выходной</translation>
    </message>
    <message>
        <source>by contract</source>
        <translation>по договору</translation>
    </message>
</context>
<context>
    <name>PhoneLine</name>
    <message>
        <source>The phone is not available: see the status bar.</source>
        <translation>Телефония недоступна: см. строку состояния.</translation>
    </message>
</context>
<context>
    <name>PhotoDialog</name>
    <message>
        <source>This file is not a picture the desk can show.</source>
        <translation>Этот файл — не изображение, которое можно показать.</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <source>Plan a call back</source>
        <translation>Запланировать звонок</translation>
    </message>
    <message>
        <source>e.g. about the cooler</source>
        <translation>например, про кулер</translation>
    </message>
    <message>
        <source>Client:</source>
        <translation>Клиент:</translation>
    </message>
    <message>
        <source>After the call:</source>
        <translation>После звонка:</translation>
    </message>
    <message>
        <source>When (Moscow):</source>
        <translation>Когда (МСК):</translation>
    </message>
    <message>
        <source>About:</source>
        <translation>О чём:</translation>
    </message>
    <message>
        <source>Who calls:</source>
        <translation>Кто звонит:</translation>
    </message>
</context>
<context>
    <name>Plans</name>
    <message>
        <source>(overdue)</source>
        <translation>(просрочен)</translation>
    </message>
    <message>
        <source>A planned call is due</source>
        <translation>Пора позвонить по плану</translation>
    </message>
    <message>
        <source>%n planned calls are due</source>
        <translation>Пора звонить по плану: %n</translation>
    </message>
    <message>
        <source>Suggestions appear during a call.</source>
        <translation>Подсказки появляются во время звонка.</translation>
    </message>
    <message>
        <source>No article fits yet: type the client&apos;s question in the search.</source>
        <translation>Подходящих статей пока нет: введите вопрос клиента в поиск.</translation>
    </message>
    <message>
        <source>Ctrl+I opens the first article.</source>
        <translation>Ctrl+I открывает первую статью.</translation>
    </message>
    <message>
        <source>outgoing call to %1</source>
        <translation>исходящий звонок на %1</translation>
    </message>
    <message>
        <source>incoming call from %1</source>
        <translation>входящий звонок с %1</translation>
    </message>
    <message>
        <source>New article</source>
        <translation>Новая статья</translation>
    </message>
    <message>
        <source>Article #%1 (by %2)</source>
        <translation>Статья №%1 (автор правки: %2)</translation>
    </message>
    <message>
        <source>&amp;Plans</source>
        <translation>&amp;Планы</translation>
    </message>
    <message>
        <source>Plan a call back…</source>
        <translation>Запланировать звонок…</translation>
    </message>
    <message>
        <source>Open the first suggested article</source>
        <translation>Открыть первую подсказанную статью</translation>
    </message>
    <message>
        <source>Interactions journal…</source>
        <translation>Журнал взаимодействий…</translation>
    </message>
    <message>
        <source>Knowledge base articles…</source>
        <translation>Статьи базы знаний…</translation>
    </message>
    <message>
        <source>Pick the client to call back first.</source>
        <translation>Сначала выберите клиента, которому позвонить.</translation>
    </message>
    <message>
        <source>Call planned: %1, %2</source>
        <translation>Звонок запланирован: %1, %2</translation>
    </message>
</context>
<context>
    <name>Portal</name>
    <message>
        <source>Order</source>
        <translation>Заказ</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Получен</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Wanted</source>
        <translation>Желаемая доставка</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>Товары</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <source>Portal orders to confirm</source>
        <translation>Заказы с портала</translation>
    </message>
    <message>
        <source>Order #{order} sent to {courier} for {date}.</source>
        <translation>Заказ №{order} передан курьеру {courier} на {date}.</translation>
    </message>
    <message>
        <source>Order #{order} taken as an interest: plan its delivery.</source>
        <translation>Заказ №{order} принят как интерес: запланируйте доставку.</translation>
    </message>
</context>
<context>
    <name>PortalAccess</name>
    <message>
        <source>invitation pending, the code works until %1</source>
        <translation>приглашён, код действует до %1</translation>
    </message>
    <message>
        <source>has portal access (invited %1)</source>
        <translation>есть доступ к порталу (приглашён %1)</translation>
    </message>
    <message>
        <source>access revoked %1</source>
        <translation>доступ закрыт %1</translation>
    </message>
    <message>
        <source>no portal access</source>
        <translation>нет доступа к порталу</translation>
    </message>
    <message>
        <source>Invitation for %1. Send the link or the code by SMS or e-mail: one use, until %2.</source>
        <translation>Приглашение для %1. Отправьте ссылку или код по SMS или e-mail: одноразово, до %2.</translation>
    </message>
    <message>
        <source>Portal: %1
Code: %2</source>
        <translation>Портал: %1
Код: %2</translation>
    </message>
    <message>
        <source>End the portal access of %1? Their sessions end at once and the code stops working.</source>
        <translation>Закрыть доступ к порталу для %1? Сеансы завершатся сразу, код перестанет действовать.</translation>
    </message>
</context>
<context>
    <name>PortalAccessBox</name>
    <message>
        <source>Client portal</source>
        <translation>Портал клиента</translation>
    </message>
    <message>
        <source>In&amp;vite to portal</source>
        <translation>Пригласить на по&amp;ртал</translation>
    </message>
    <message>
        <source>Revo&amp;ke portal access</source>
        <translation>Закрыть до&amp;ступ к порталу</translation>
    </message>
    <message>
        <source>Revoke portal access</source>
        <translation>Закрыть доступ к порталу</translation>
    </message>
</context>
<context>
    <name>PortalQueueViewModel</name>
    <message>
        <source>The client has no phone number to call.</source>
        <translation>У клиента нет телефона для звонка.</translation>
    </message>
</context>
<context>
    <name>PortalQueueWindow</name>
    <message>
        <source>Enter: confirm the selected order · Ctrl+D: call the client</source>
        <translation>Enter: подтвердить выбранный заказ · Ctrl+D: позвонить клиенту</translation>
    </message>
</context>
<context>
    <name>PortalReplyDialog</name>
    <message>
        <source>Reply on the portal</source>
        <translation>Ответ на портале</translation>
    </message>
    <message>
        <source>Your answer (Ctrl+Return sends)</source>
        <translation>Ваш ответ (Ctrl+Enter отправляет)</translation>
    </message>
    <message>
        <source>Send (Ctrl+Return)</source>
        <translation>Отправить (Ctrl+Enter)</translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <source>Reject the interest</source>
        <translation>Отказ по интересу</translation>
    </message>
    <message>
        <source>Details (optional)</source>
        <translation>Подробности (необязательно)</translation>
    </message>
    <message>
        <source>Why did the client not order?</source>
        <translation>Почему клиент не заказал?</translation>
    </message>
</context>
<context>
    <name>RelayStatusLabel</name>
    <message>
        <source>Sync: off</source>
        <translation>Синхронизация: выкл.</translation>
    </message>
    <message>
        <source>No sync service is configured.</source>
        <translation>Сервис синхронизации не настроен.</translation>
    </message>
    <message>
        <source>Sync: connected</source>
        <translation>Синхронизация: на связи</translation>
    </message>
    <message>
        <source>Sync: offline</source>
        <translation>Синхронизация: нет связи</translation>
    </message>
    <message>
        <source>queue %1</source>
        <translation>в очереди %1</translation>
    </message>
    <message>
        <source>refused %1</source>
        <translation>отклонено %1</translation>
    </message>
    <message>
        <source>Last exchange: %1</source>
        <translation>Последний обмен: %1</translation>
    </message>
    <message>
        <source>Messages refused by the service wait for the admin (dispatch outbox).</source>
        <translation>Сообщения, отклонённые сервисом, ждут администратора (dispatch outbox).</translation>
    </message>
</context>
<context>
    <name>ReminderDialog</name>
    <message>
        <source>Call now</source>
        <translation>Позвонить</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Позже</translation>
    </message>
</context>
<context>
    <name>Reports</name>
    <message>
        <source>Running the report…</source>
        <translation>Отчёт формируется…</translation>
    </message>
    <message>
        <source>Cancelled: the report was not shown.</source>
        <translation>Отменено: отчёт не показан.</translation>
    </message>
    <message>
        <source>Run a report first: there is nothing to export.</source>
        <translation>Сначала сформируйте отчёт: выгружать нечего.</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}</source>
        <translation>Не удалось записать {0}: {1}</translation>
    </message>
    <message>
        <source>Could not write {0}; details are in the log.</source>
        <translation>Не удалось записать {0}; подробности в журнале.</translation>
    </message>
    <message>
        <source>Saved to {0}.</source>
        <translation>Сохранено в {0}.</translation>
    </message>
    <message>
        <source>This client has no phone number to call.</source>
        <translation>У этого клиента нет телефона для звонка.</translation>
    </message>
    <message>
        <source>Calling {0}…</source>
        <translation>Звоним {0}…</translation>
    </message>
    <message>
        <source>Delivered water</source>
        <translation>Доставленная вода</translation>
    </message>
    <message>
        <source>Goods and services sold</source>
        <translation>Проданные товары и услуги</translation>
    </message>
    <message>
        <source>Processed orders</source>
        <translation>Отработанные заказы</translation>
    </message>
    <message>
        <source>Lost clients</source>
        <translation>Потерянные клиенты</translation>
    </message>
    <message>
        <source>Cash to hand in</source>
        <translation>Сдача выручки</translation>
    </message>
    <message>
        <source>Bottles (deposit balance)</source>
        <translation>Бутыли (залоговый остаток)</translation>
    </message>
    <message>
        <source>Complaints</source>
        <translation>Претензии</translation>
    </message>
    <message>
        <source>All clients</source>
        <translation>Все клиенты</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Физлица</translation>
    </message>
    <message>
        <source>Companies</source>
        <translation>Организации</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Этот месяц</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Прошлый месяц</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>Этот год</translation>
    </message>
    <message>
        <source>The period starts after it ends: swap the dates.</source>
        <translation>Период начинается позже, чем кончается: поменяйте даты местами.</translation>
    </message>
    <message>
        <source>Lost clients: give at least one month.</source>
        <translation>Потерянные клиенты: укажите хотя бы один месяц.</translation>
    </message>
    <message>
        <source>person</source>
        <translation>физлицо</translation>
    </message>
    <message>
        <source>company</source>
        <translation>организация</translation>
    </message>
    <message>
        <source>goods</source>
        <translation>товар</translation>
    </message>
    <message>
        <source>service</source>
        <translation>услуга</translation>
    </message>
    <message>
        <source>deposit</source>
        <translation>залог</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>причина</translation>
    </message>
    <message>
        <source>department</source>
        <translation>подразделение</translation>
    </message>
    <message>
        <source>guilty person</source>
        <translation>виновный</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Итого</translation>
    </message>
    <message>
        <source>{0} row(s) from {1} to {2}.</source>
        <translation>Строк: {0}, с {1} по {2}.</translation>
    </message>
    <message>
        <source>Running the report… {0} s (Esc cancels)</source>
        <translation>Отчёт формируется… {0} с (Esc — отменить)</translation>
    </message>
    <message>
        <source>Running the report… {0} s, query {1} (Esc cancels)</source>
        <translation>Отчёт формируется… {0} с, запрос {1} (Esc — отменить)</translation>
    </message>
    <message>
        <source>the {0} largest of {1}</source>
        <translation>{0} крупнейших из {1}</translation>
    </message>
</context>
<context>
    <name>ReportsWindow</name>
    <message>
        <source>Reports</source>
        <translation>Отчёты</translation>
    </message>
    <message>
        <source> mo.</source>
        <translation> мес.</translation>
    </message>
    <message>
        <source>Run (F5)</source>
        <translation>Сформировать (F5)</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Отменить (Esc)</translation>
    </message>
    <message>
        <source>Export XLSX… (Ctrl+S)</source>
        <translation>Выгрузить XLSX… (Ctrl+S)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Выгрузить CSV…</translation>
    </message>
    <message>
        <source>&amp;Report</source>
        <translation>&amp;Отчёт</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;С</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>&amp;По</translation>
    </message>
    <message>
        <source>C&amp;ourier</source>
        <translation>&amp;Экспедитор</translation>
    </message>
    <message>
        <source>C&amp;lients</source>
        <translation>&amp;Клиенты</translation>
    </message>
    <message>
        <source>Not ordered for</source>
        <translation>Не заказывали</translation>
    </message>
    <message>
        <source>Return opens the client, C calls them back.</source>
        <translation>Enter — открыть клиента, C — перезвонить.</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Книга Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>Выгрузить отчёт</translation>
    </message>
    <message>
        <source>All couriers</source>
        <translation>Все экспедиторы</translation>
    </message>
    <message>
        <source>No chart for this report.</source>
        <translation>У этого отчёта нет диаграммы.</translation>
    </message>
</context>
<context>
    <name>RescheduleDialog</name>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Дата:</translation>
    </message>
    <message>
        <source>&amp;Window:</source>
        <translation>&amp;Интервал:</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Registered</source>
        <translation>Зарегистрирован</translation>
    </message>
    <message>
        <source>Registering…</source>
        <translation>Регистрация…</translation>
    </message>
    <message>
        <source>Not registered</source>
        <translation>Не зарегистрирован</translation>
    </message>
    <message>
        <source>Registration failed</source>
        <translation>Ошибка регистрации</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>О&amp;бщие</translation>
    </message>
    <message>
        <source>&amp;SIP</source>
        <translation>&amp;SIP</translation>
    </message>
    <message>
        <source>&amp;Audio</source>
        <translation>&amp;Звук</translation>
    </message>
    <message>
        <source>Data&amp;base</source>
        <translation>Б&amp;аза данных</translation>
    </message>
    <message>
        <source>Courier s&amp;ync</source>
        <translation>&amp;Синхронизация</translation>
    </message>
    <message>
        <source>&amp;Operator name:</source>
        <translation>&amp;Имя оператора:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <source>&amp;Registrar:</source>
        <translation>&amp;Регистратор:</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Домен:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Пользователь:</translation>
    </message>
    <message>
        <source>Au&amp;thentication user:</source>
        <translation>Логин а&amp;вторизации:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>Паро&amp;ль:</translation>
    </message>
    <message>
        <source>Tra&amp;nsport:</source>
        <translation>&amp;Транспорт:</translation>
    </message>
    <message>
        <source>Listen &amp;address:</source>
        <translation>&amp;Локальный адрес:</translation>
    </message>
    <message>
        <source>Answer &amp;calls automatically</source>
        <translation>Отвечать на звонки автомати&amp;чески</translation>
    </message>
    <message>
        <source>Write a SIP &amp;trace for the admin (sip-trace.log)</source>
        <translation>Писать SIP-&amp;трассировку для администратора (sip-trace.log)</translation>
    </message>
    <message>
        <source>Registration:</source>
        <translation>Регистрация:</translation>
    </message>
    <message>
        <source>&amp;Microphone:</source>
        <translation>&amp;Микрофон:</translation>
    </message>
    <message>
        <source>&amp;Speaker:</source>
        <translation>&amp;Наушники / динамик:</translation>
    </message>
    <message>
        <source>&amp;No sound device (test mode)</source>
        <translation>&amp;Без звукового устройства (тестовый режим)</translation>
    </message>
    <message>
        <source>Database &amp;URL:</source>
        <translation>&amp;URL базы данных:</translation>
    </message>
    <message>
        <source>Sync service &amp;URL:</source>
        <translation>&amp;URL сервиса синхронизации:</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>&amp;Ключ API:</translation>
    </message>
    <message>
        <source>Leave empty to take calls directly on this computer, without a PBX.</source>
        <translation>Оставьте пустым, чтобы принимать звонки прямо на этот компьютер, без АТС.</translation>
    </message>
    <message>
        <source>the registrar&apos;s host</source>
        <translation>адрес регистратора</translation>
    </message>
    <message>
        <source>same as the user</source>
        <translation>как пользователь</translation>
    </message>
    <message>
        <source>empty: the embedded database in %1</source>
        <translation>пусто: встроенная база в %1</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Системное по умолчанию</translation>
    </message>
    <message>
        <source>No system keyring is available: the SIP password will be asked again at next start</source>
        <translation>Системное хранилище паролей недоступно: SIP-пароль будет запрошен снова при следующем запуске</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>неизвестно</translation>
    </message>
    <message>
        <source>A registrar needs a SIP user name.</source>
        <translation>Для регистратора нужно имя пользователя SIP.</translation>
    </message>
    <message>
        <source>The registrar must not contain spaces.</source>
        <translation>В адресе регистратора не должно быть пробелов.</translation>
    </message>
    <message>
        <source>Use ADDRESS:PORT with a port from 0 to 65535, e.g. 0.0.0.0:5060.</source>
        <translation>Укажите АДРЕС:ПОРТ, порт от 0 до 65535, например 0.0.0.0:5060.</translation>
    </message>
    <message>
        <source>Not a database URL. Examples: postgresql+psycopg://user@host/dispatch, sqlite:///C:/data/dispatch.sqlite3</source>
        <translation>Это не URL базы данных. Примеры: postgresql+psycopg://user@host/dispatch, sqlite:///C:/data/dispatch.sqlite3</translation>
    </message>
    <message>
        <source>The sync URL starts with http:// or https://.</source>
        <translation>URL синхронизации начинается с http:// или https://.</translation>
    </message>
</context>
<context>
    <name>ShortcutMapDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Горячие клавиши</translation>
    </message>
    <message>
        <source>Everything in the workspace can be done from the keyboard:</source>
        <translation>Всё в рабочем месте можно сделать с клавиатуры:</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Клавиши</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in - Dispatch Desk</source>
        <translation>Вход — Dispatch Desk</translation>
    </message>
    <message>
        <source>Who works at this desk?</source>
        <translation>Кто работает за этим местом?</translation>
    </message>
    <message>
        <source>&amp;Login</source>
        <translation>&amp;Логин</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Пароль</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>&amp;Войти</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
</context>
<context>
    <name>SignInViewModel</name>
    <message>
        <source>{0} ({1})</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>Type your login.</source>
        <translation>Введите логин.</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>Введите пароль.</translation>
    </message>
    <message>
        <source>The password cannot be checked: the database does not answer. Details are in the log.</source>
        <translation>Пароль не удаётся проверить: база данных не отвечает. Подробности — в журнале.</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>There is no operator account in this database yet. An admin creates the first one with

  dispatch --db URL user add LOGIN --name &quot;NAME&quot; --role admin

and then starts Dispatch Desk again.</source>
        <translation>В этой базе ещё нет ни одной учётной записи оператора. Администратор создаёт первую командой

  dispatch --db URL user add LOGIN --name &quot;ИМЯ&quot; --role admin

и снова запускает Dispatch Desk.</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Никто не вошёл</translation>
    </message>
    <message>
        <source>SIP: listening on %1</source>
        <translation>SIP: приём на %1</translation>
    </message>
    <message>
        <source>SIP unavailable: %1</source>
        <translation>SIP недоступен: %1</translation>
    </message>
    <message>
        <source>Sync: off</source>
        <translation>Синхронизация: выкл.</translation>
    </message>
    <message>
        <source>Settings saved and applied.</source>
        <translation>Настройки сохранены и применены.</translation>
    </message>
    <message>
        <source>Settings saved and applied; the language changes at the next start.</source>
        <translation>Настройки сохранены и применены; язык сменится при следующем запуске.</translation>
    </message>
    <message>
        <source>The new SIP line comes up when the current call ends.</source>
        <translation>Новая SIP-линия заработает после окончания текущего звонка.</translation>
    </message>
    <message>
        <source>The new database could not be opened; the old one stays in use.</source>
        <translation>Не удалось открыть новую базу данных; используется прежняя.</translation>
    </message>
    <message>
        <source>SIP %1: %2</source>
        <translation>SIP %1: %2</translation>
    </message>
</context>
<context>
    <name>dispatcher</name>
    <message>
        <source>A call time must carry its time zone.</source>
        <translation>Время звонка должно быть указано с часовым поясом.</translation>
    </message>
    <message>
        <source>A courier must work at least one day of the week.</source>
        <translation>Экспедитор должен работать хотя бы один день в неделю.</translation>
    </message>
    <message>
        <source>A courier&apos;s capacity must be at least one bottle.</source>
        <translation>Вместимость экспедитора — не меньше одной бутыли.</translation>
    </message>
    <message>
        <source>A courier&apos;s capacity of {capacity} bottles is more than {limit}: a typing slip?</source>
        <translation>Вместимость экспедитора {capacity} бутылей — больше {limit}: опечатка?</translation>
    </message>
    <message>
        <source>A note needs its text.</source>
        <translation>У заметки должен быть текст.</translation>
    </message>
    <message>
        <source>A plan is done by a call, not by another plan.</source>
        <translation>План выполняется звонком, а не другим планом.</translation>
    </message>
    <message>
        <source>A planned time must carry its time zone.</source>
        <translation>Время плана должно быть с часовым поясом.</translation>
    </message>
    <message>
        <source>A price cannot be negative ({amount}).</source>
        <translation>Цена не может быть отрицательной ({amount}).</translation>
    </message>
    <message>
        <source>A price cannot start in the past ({date:%d.%m.%Y}): orders already taken keep their prices. Start it today or later.</source>
        <translation>Цена не может начинать действовать в прошлом ({date:%d.%m.%Y}): принятые заказы сохраняют свои цены. Укажите сегодня или позже.</translation>
    </message>
    <message>
        <source>A product needs a code and a name.</source>
        <translation>У товара должны быть код и название.</translation>
    </message>
    <message>
        <source>A product with code {code!r} already exists.</source>
        <translation>Товар с кодом «{code}» уже есть.</translation>
    </message>
    <message>
        <source>A question and its keywords fit in 500 characters each.</source>
        <translation>Вопрос и ключевые слова — не длиннее 500 символов каждый.</translation>
    </message>
    <message>
        <source>A reject reason needs a text.</source>
        <translation>Причина отказа не может быть пустой.</translation>
    </message>
    <message>
        <source>A report covers at most three years; the period {start:%d.%m.%Y}–{end:%d.%m.%Y} is longer.</source>
        <translation>Отчёт строится не более чем за три года; период {start:%d.%m.%Y}–{end:%d.%m.%Y} длиннее.</translation>
    </message>
    <message>
        <source>A time window needs both a start and an end.</source>
        <translation>У интервала доставки должны быть и начало, и конец.</translation>
    </message>
    <message>
        <source>A user needs a name.</source>
        <translation>Укажите имя пользователя.</translation>
    </message>
    <message>
        <source>A user with login {login!r} already exists.</source>
        <translation>Пользователь с логином «{login}» уже есть.</translation>
    </message>
    <message>
        <source>Address #{address_id} does not exist.</source>
        <translation>Адреса №{address_id} не существует.</translation>
    </message>
    <message>
        <source>Address #{address_id} is no longer a delivery point of this client.</source>
        <translation>Адрес №{address_id} больше не используется этим клиентом для доставки.</translation>
    </message>
    <message>
        <source>Address #{address_id} is not a delivery point of client #{client_id}.</source>
        <translation>Адрес №{address_id} не является адресом доставки клиента №{client_id}.</translation>
    </message>
    <message>
        <source>Address #{address_id} is not a delivery point of this client.</source>
        <translation>Адрес №{address_id} не относится к адресам доставки этого клиента.</translation>
    </message>
    <message>
        <source>An article needs a question.</source>
        <translation>У статьи должен быть вопрос.</translation>
    </message>
    <message>
        <source>An article needs an answer.</source>
        <translation>У статьи должен быть ответ.</translation>
    </message>
    <message>
        <source>An idempotency key is 1 to {limit} printable characters.</source>
        <translation>Ключ идемпотентности — от 1 до {limit} печатных символов.</translation>
    </message>
    <message>
        <source>Article #{article_id} does not exist.</source>
        <translation>Статьи №{article_id} не существует.</translation>
    </message>
    <message>
        <source>Attachment #{attachment_id} does not exist.</source>
        <translation>Вложения №{attachment_id} нет.</translation>
    </message>
    <message>
        <source>Bottles delivered</source>
        <translation>Бутылей доставлено</translation>
    </message>
    <message>
        <source>Bottles held</source>
        <translation>Бутылей у клиента</translation>
    </message>
    <message>
        <source>Call #{call_id} does not exist.</source>
        <translation>Звонка №{call_id} не существует.</translation>
    </message>
    <message>
        <source>Called back</source>
        <translation>Перезвонили</translation>
    </message>
    <message>
        <source>Calls answered</source>
        <translation>Звонков принято</translation>
    </message>
    <message>
        <source>Calls missed</source>
        <translation>Звонков пропущено</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Отменено</translation>
    </message>
    <message>
        <source>Cancelled, %</source>
        <translation>Отменено, %</translation>
    </message>
    <message>
        <source>Choose a courier for order #{order_id}.</source>
        <translation>Выберите экспедитора для заказа №{order_id}.</translation>
    </message>
    <message>
        <source>Choose at least one duplicate to merge.</source>
        <translation>Выберите хотя бы один дубль для объединения.</translation>
    </message>
    <message>
        <source>Choose the contact person of {client} to invite.</source>
        <translation>Выберите контактное лицо {client} для приглашения.</translation>
    </message>
    <message>
        <source>Choose why the interest was rejected.</source>
        <translation>Выберите причину отказа.</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <source>Client #{client_id} ({name}) was already merged into #{target_id}.</source>
        <translation>Клиент №{client_id} ({name}) уже присоединён к клиенту №{target_id}.</translation>
    </message>
    <message>
        <source>Client #{client_id} cannot be merged into itself.</source>
        <translation>Клиента №{client_id} нельзя объединить с самим собой.</translation>
    </message>
    <message>
        <source>Client #{client_id} does not exist.</source>
        <translation>Клиента №{client_id} не существует.</translation>
    </message>
    <message>
        <source>Client #{client_id} was already merged into #{target_id}: keep that one.</source>
        <translation>Клиент №{client_id} уже присоединён к клиенту №{target_id}: оставьте основным его.</translation>
    </message>
    <message>
        <source>Client #{client_id} was merged into #{target_id}: use that one.</source>
        <translation>Клиент №{client_id} присоединён к клиенту №{target_id}: работайте с ним.</translation>
    </message>
    <message>
        <source>Client no.</source>
        <translation>№ клиента</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Клиентов</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>Collected</source>
        <translation>Получено</translation>
    </message>
    <message>
        <source>Companies, qty</source>
        <translation>ЮЛ, кол-во</translation>
    </message>
    <message>
        <source>Companies, sum</source>
        <translation>ЮЛ, сумма</translation>
    </message>
    <message>
        <source>Complaint #{complaint_id} does not exist.</source>
        <translation>Претензии №{complaint_id} нет.</translation>
    </message>
    <message>
        <source>Complaint #{complaint_id} is already resolved; a shift lead can reopen it.</source>
        <translation>Претензия №{complaint_id} уже решена; открыть её снова может старший смены.</translation>
    </message>
    <message>
        <source>Complaint #{complaint_id} is not resolved.</source>
        <translation>Претензия №{complaint_id} не решена.</translation>
    </message>
    <message>
        <source>Complaint #{complaint_id} waits for no review.</source>
        <translation>Претензия №{complaint_id} не ждёт разбора.</translation>
    </message>
    <message>
        <source>Complaint reason #{reason_id} does not exist.</source>
        <translation>Причины претензии №{reason_id} нет.</translation>
    </message>
    <message>
        <source>Complaints</source>
        <translation>Претензии</translation>
    </message>
    <message>
        <source>Contact #{contact_id} is not a contact of {client}.</source>
        <translation>Контактное лицо №{contact_id} не относится к клиенту {client}.</translation>
    </message>
    <message>
        <source>Contact #{contact_id} is not a person of client #{client_id}.</source>
        <translation>Контактное лицо №{contact_id} не относится к клиенту №{client_id}.</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>Экспедитор</translation>
    </message>
    <message>
        <source>Courier #{courier_id} does not exist.</source>
        <translation>Экспедитора №{courier_id} не существует.</translation>
    </message>
    <message>
        <source>Courier {courier} is not working any more.</source>
        <translation>Экспедитор {courier} больше не работает.</translation>
    </message>
    <message>
        <source>Courier&apos;s phone {phone!r}: {problem}</source>
        <translation>Телефон экспедитора «{phone}»: {problem}</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Доставлено</translation>
    </message>
    <message>
        <source>Delivered, %</source>
        <translation>Доставлено, %</translation>
    </message>
    <message>
        <source>Deliveries</source>
        <translation>Доставок</translation>
    </message>
    <message>
        <source>Delivery date {date:%d.%m.%Y} is in the past.</source>
        <translation>Дата доставки {date:%d.%m.%Y} уже прошла.</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Разница</translation>
    </message>
    <message>
        <source>Differs</source>
        <translation>Расхождение</translation>
    </message>
    <message>
        <source>Empties returned</source>
        <translation>Возвращено пустых</translation>
    </message>
    <message>
        <source>Failed and rescheduled</source>
        <translation>Срыв и перенос</translation>
    </message>
    <message>
        <source>Failed and rescheduled, %</source>
        <translation>Срыв и перенос, %</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>пятница</translation>
    </message>
    <message>
        <source>Grouped by</source>
        <translation>Разрез</translation>
    </message>
    <message>
        <source>Hours to resolve (average)</source>
        <translation>Часов до решения (в среднем)</translation>
    </message>
    <message>
        <source>INN {inn!r} is not valid (10 or 12 digits with a correct checksum).</source>
        <translation>ИНН «{inn}» неверен (нужно 10 или 12 цифр с правильной контрольной суммой).</translation>
    </message>
    <message>
        <source>Interaction #{interaction_id} does not exist.</source>
        <translation>Взаимодействия №{interaction_id} не существует.</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Last order</source>
        <translation>Последний заказ</translation>
    </message>
    <message>
        <source>Login {login!r} is not valid: use {low} to {high} letters, digits, dots, dashes or underscores.</source>
        <translation>Логин «{login}» не подходит: нужно от {low} до {high} букв, цифр, точек, дефисов или подчёркиваний.</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>понедельник</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Not a phone number: area code is missing</source>
        <translation>Не номер телефона: нет кода города</translation>
    </message>
    <message>
        <source>Not a phone number: could not be read</source>
        <translation>Не номер телефона: не удалось разобрать</translation>
    </message>
    <message>
        <source>Not a phone number: digits are not laid out like a phone number</source>
        <translation>Не номер телефона: цифры расставлены не так, как в номере</translation>
    </message>
    <message>
        <source>Not a phone number: empty</source>
        <translation>Не номер телефона: пусто</translation>
    </message>
    <message>
        <source>Not a phone number: letters are not allowed</source>
        <translation>Не номер телефона: буквы недопустимы</translation>
    </message>
    <message>
        <source>Not a phone number: no digits</source>
        <translation>Не номер телефона: нет цифр</translation>
    </message>
    <message>
        <source>Not a phone number: too few digits</source>
        <translation>Не номер телефона: слишком мало цифр</translation>
    </message>
    <message>
        <source>Not a phone number: too long</source>
        <translation>Не номер телефона: слишком длинный</translation>
    </message>
    <message>
        <source>Not a phone number: too many digits</source>
        <translation>Не номер телефона: слишком много цифр</translation>
    </message>
    <message>
        <source>Not a phone number: unknown country code</source>
        <translation>Не номер телефона: неизвестный код страны</translation>
    </message>
    <message>
        <source>Not a phone number: wrong number of digits for this country</source>
        <translation>Не номер телефона: неверное число цифр для этой страны</translation>
    </message>
    <message>
        <source>Not satisfied</source>
        <translation>Не удовлетворено</translation>
    </message>
    <message>
        <source>Only a company has an INN on its card.</source>
        <translation>ИНН указывается только у организаций.</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <source>Order #{order_id} already has a task on a courier&apos;s phone.</source>
        <translation>У заказа №{order_id} уже есть задание на телефоне экспедитора.</translation>
    </message>
    <message>
        <source>Order #{order_id} already has these products, address, comment and payment method: there is nothing to change.</source>
        <translation>У заказа №{order_id} уже эти товары, адрес, комментарий и способ оплаты: менять нечего.</translation>
    </message>
    <message>
        <source>Order #{order_id} already has this courier and slot.</source>
        <translation>У заказа №{order_id} уже этот экспедитор и это время доставки.</translation>
    </message>
    <message>
        <source>Order #{order_id} cannot go to delivery without a delivery address and at least one product.</source>
        <translation>Заказ №{order_id} нельзя отправить в доставку без адреса доставки и хотя бы одного товара.</translation>
    </message>
    <message>
        <source>Order #{order_id} cannot go to delivery without a delivery address.</source>
        <translation>Заказ №{order_id} нельзя отправить в доставку без адреса доставки.</translation>
    </message>
    <message>
        <source>Order #{order_id} cannot go to delivery without at least one product.</source>
        <translation>Заказ №{order_id} нельзя отправить в доставку: в нём нет ни одного товара.</translation>
    </message>
    <message>
        <source>Order #{order_id} does not exist.</source>
        <translation>Заказа №{order_id} не существует.</translation>
    </message>
    <message>
        <source>Order #{order_id} is not a failed delivery waiting for a new slot.</source>
        <translation>Заказ №{order_id} — не сорванная доставка, ждущая нового времени.</translation>
    </message>
    <message>
        <source>Order #{order_id} is not a portal order.</source>
        <translation>Заказ №{order_id} не с портала.</translation>
    </message>
    <message>
        <source>Order #{order_id} is not an order of client #{client_id}.</source>
        <translation>Заказ №{order_id} не принадлежит клиенту №{client_id}.</translation>
    </message>
    <message>
        <source>Order #{order_id} is out for delivery and needs at least one product; to call the delivery off, cancel the order.</source>
        <translation>Заказ №{order_id} в доставке, в нём должен остаться хотя бы один товар; чтобы отменить доставку, отмените заказ.</translation>
    </message>
    <message>
        <source>Order #{order_id} is {state}: it cannot be cancelled.</source>
        <translation>Заказ №{order_id} {state}: его нельзя отменить.</translation>
    </message>
    <message>
        <source>Order #{order_id} is {state}: it cannot be changed any more.</source>
        <translation>Заказ №{order_id} {state}: его уже нельзя изменить.</translation>
    </message>
    <message>
        <source>Order #{order_id} is {state}: it cannot be closed.</source>
        <translation>Заказ №{order_id} {state}: его нельзя закрыть.</translation>
    </message>
    <message>
        <source>Order #{order_id} is {state}: it cannot be given another courier or slot.</source>
        <translation>Заказ №{order_id} {state}: ему нельзя назначить другого экспедитора или другое время.</translation>
    </message>
    <message>
        <source>Order #{order_id} is {state}: it cannot be marked as a failed delivery.</source>
        <translation>Заказ №{order_id} {state}: его нельзя отметить как несостоявшуюся доставку.</translation>
    </message>
    <message>
        <source>Order #{order_id} is {state}: it cannot be rejected.</source>
        <translation>Заказ №{order_id} {state}: его нельзя отклонить.</translation>
    </message>
    <message>
        <source>Order #{order_id} is {state}: it cannot be sent to delivery.</source>
        <translation>Заказ №{order_id} {state}: его нельзя отправить в доставку.</translation>
    </message>
    <message>
        <source>Order #{order_id} was already delivered: the courier marked the task done, so it cannot be cancelled.</source>
        <translation>Заказ №{order_id} уже доставлен: экспедитор отметил задачу выполненной, поэтому отменить его нельзя.</translation>
    </message>
    <message>
        <source>Order #{order_id} was already delivered: the courier marked the task done, so it cannot be changed.</source>
        <translation>Заказ №{order_id} уже доставлен: экспедитор отметил задачу выполненной, поэтому изменить его нельзя.</translation>
    </message>
    <message>
        <source>Order #{order_id} was changed by someone else since you opened it (version {expected}, now {current}). Reload it and try again.</source>
        <translation>Заказ №{order_id} изменил кто-то другой, пока он был открыт у вас (версия {expected}, теперь {current}). Откройте его заново и повторите.</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Заказов</translation>
    </message>
    <message>
        <source>Orders taken</source>
        <translation>Принято заказов</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Просрочено</translation>
    </message>
    <message>
        <source>Overdue, %</source>
        <translation>Просрочено, %</translation>
    </message>
    <message>
        <source>Payment method {value!r} is not cash or invoice.</source>
        <translation>Способ оплаты «{value}» — не наличные и не счёт.</translation>
    </message>
    <message>
        <source>Payment terms are cash or invoice, not {terms!r}.</source>
        <translation>Условия оплаты — наличные или счёт, а не «{terms}».</translation>
    </message>
    <message>
        <source>Persons, qty</source>
        <translation>ФЛ, кол-во</translation>
    </message>
    <message>
        <source>Persons, sum</source>
        <translation>ФЛ, сумма</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Phone {raw!r} is a short internal number, not a client&apos;s phone.</source>
        <translation>«{raw}» — короткий внутренний номер, а не телефон клиента.</translation>
    </message>
    <message>
        <source>Phone {raw!r}: {problem}</source>
        <translation>Телефон «{raw}»: {problem}</translation>
    </message>
    <message>
        <source>Planned interaction #{plan_id} does not exist.</source>
        <translation>Запланированного взаимодействия №{plan_id} не существует.</translation>
    </message>
    <message>
        <source>Planned interaction #{plan_id} is already done.</source>
        <translation>Запланированное взаимодействие №{plan_id} уже выполнено.</translation>
    </message>
    <message>
        <source>Portal message #{message_id} does not exist.</source>
        <translation>Сообщения с портала №{message_id} нет.</translation>
    </message>
    <message>
        <source>Portal order #{order_id} is no longer waiting for confirmation.</source>
        <translation>Заказ с портала №{order_id} уже не ждёт подтверждения.</translation>
    </message>
    <message>
        <source>Portal order #{order_id} was already confirmed by {login}.</source>
        <translation>Заказ с портала №{order_id} уже подтвердил {login}.</translation>
    </message>
    <message>
        <source>Portal order #{order_id} was refused on arrival: {why}</source>
        <translation>Заказ с портала №{order_id} не принят при получении: {why}</translation>
    </message>
    <message>
        <source>Priority is low, normal or high; the remedy none, redelivery, replacement or refund.</source>
        <translation>Приоритет: low, normal или high; требование: none, redelivery, replacement или refund.</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Товар</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Количество</translation>
    </message>
    <message>
        <source>Quantity of {code!r} must be at least 1.</source>
        <translation>Количество «{code}» должно быть не меньше 1.</translation>
    </message>
    <message>
        <source>Quantity {qty} of {code!r} is too large.</source>
        <translation>Количество «{code}» ({qty}) слишком велико.</translation>
    </message>
    <message>
        <source>Reject reason #{reason_id} does not exist.</source>
        <translation>Причины отказа №{reason_id} не существует.</translation>
    </message>
    <message>
        <source>Reject reason #{reason_id} is not in the list of reasons.</source>
        <translation>Причины отказа №{reason_id} нет в списке причин.</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Отказ</translation>
    </message>
    <message>
        <source>Rejected, %</source>
        <translation>Отказ, %</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Решено</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>суббота</translation>
    </message>
    <message>
        <source>Say what the planned call is about.</source>
        <translation>Укажите, о чём запланированный звонок.</translation>
    </message>
    <message>
        <source>Say why the delivery failed.</source>
        <translation>Укажите, почему доставка не состоялась.</translation>
    </message>
    <message>
        <source>Say why the order is cancelled, e.g. the client&apos;s request.</source>
        <translation>Укажите, почему заказ отменяется, например «по просьбе клиента».</translation>
    </message>
    <message>
        <source>Sign in as a shift lead or an admin to {action}.</source>
        <translation>Чтобы {action}, войдите как старший смены или администратор.</translation>
    </message>
    <message>
        <source>Sign in as an admin to {action}.</source>
        <translation>Чтобы {action}, войдите как администратор.</translation>
    </message>
    <message>
        <source>Sign in to {action}.</source>
        <translation>Чтобы {action}, войдите в систему.</translation>
    </message>
    <message>
        <source>Someone else changed this order a moment ago. Reload it and try again.</source>
        <translation>Этот заказ только что изменил кто-то другой. Откройте его заново и повторите.</translation>
    </message>
    <message>
        <source>Still open</source>
        <translation>Ещё в работе</translation>
    </message>
    <message>
        <source>Still open, %</source>
        <translation>Ещё в работе, %</translation>
    </message>
    <message>
        <source>Sum</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <source>Sum of orders</source>
        <translation>Сумма заказов</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>воскресенье</translation>
    </message>
    <message>
        <source>The address is longer than {limit} characters.</source>
        <translation>Адрес длиннее {limit} символов.</translation>
    </message>
    <message>
        <source>The address {text!r} has no house number: add it, e.g. ул. Ленина, д. 5.</source>
        <translation>В адресе «{text}» нет номера дома: добавьте его, например: ул. Ленина, д. 5.</translation>
    </message>
    <message>
        <source>The amount to collect, {amount}, is outside what the courier&apos;s phone takes (0 to {limit}).</source>
        <translation>Сумма к получению {amount} вне того, что принимает телефон экспедитора (от 0 до {limit}).</translation>
    </message>
    <message>
        <source>The answer is longer than {limit} characters.</source>
        <translation>Ответ длиннее {limit} символов.</translation>
    </message>
    <message>
        <source>The capacity {text!r} is not a whole number of bottles.</source>
        <translation>Вместимость «{text}» — не целое число бутылей.</translation>
    </message>
    <message>
        <source>The change touches {count} lines; the courier&apos;s phone takes {limit}.</source>
        <translation>Изменение затрагивает {count} строк, а телефон экспедитора принимает не больше {limit}.</translation>
    </message>
    <message>
        <source>The client kind is person or company, not {kind!r}.</source>
        <translation>Вид клиента — person (ФЛ) или company (ЮЛ), а не {kind!r}.</translation>
    </message>
    <message>
        <source>The client&apos;s name</source>
        <translation>Имя клиента</translation>
    </message>
    <message>
        <source>The deadline {date:%d.%m.%Y} is in the past.</source>
        <translation>Срок {date:%d.%m.%Y} уже прошёл.</translation>
    </message>
    <message>
        <source>The department {department!r} already has a thread on this complaint.</source>
        <translation>У подразделения {department!r} уже есть обсуждение этой претензии.</translation>
    </message>
    <message>
        <source>The idempotency key {key!r} was already used for order #{order_id} of another client: a new order needs a new key.</source>
        <translation>Ключ идемпотентности {key!r} уже использован для заказа №{order_id} другого клиента: новому заказу нужен новый ключ.</translation>
    </message>
    <message>
        <source>The number of months without orders must be between 1 and 120, not {months}.</source>
        <translation>Число месяцев без заказов должно быть от 1 до 120, а не {months}.</translation>
    </message>
    <message>
        <source>The period ends ({end:%d.%m.%Y}) before it starts ({start:%d.%m.%Y}).</source>
        <translation>Период заканчивается ({end:%d.%m.%Y}) раньше, чем начинается ({start:%d.%m.%Y}).</translation>
    </message>
    <message>
        <source>The report was cancelled.</source>
        <translation>Отчёт отменён.</translation>
    </message>
    <message>
        <source>The standard time of a complaint reason is 1 to {limit} hours, not {hours}.</source>
        <translation>Нормативный срок причины — от 1 до {limit} часов, а не {hours}.</translation>
    </message>
    <message>
        <source>There is no active user {login!r} to be responsible.</source>
        <translation>Нет действующего пользователя {login!r}, чтобы назначить ответственным.</translation>
    </message>
    <message>
        <source>There is no active user {login}.</source>
        <translation>Нет действующего пользователя {login}.</translation>
    </message>
    <message>
        <source>There is no complaint reason {reason!r}; the reasons are: {names}.</source>
        <translation>Нет причины претензии {reason!r}; причины: {names}.</translation>
    </message>
    <message>
        <source>There is no report {name!r}; the reports are {names}.</source>
        <translation>Отчёта {name!r} нет; есть отчёты: {names}.</translation>
    </message>
    <message>
        <source>Thread #{thread_id} does not exist.</source>
        <translation>Обсуждения №{thread_id} нет.</translation>
    </message>
    <message>
        <source>To collect</source>
        <translation>К получению</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Итого</translation>
    </message>
    <message>
        <source>Usual quantity</source>
        <translation>Обычно штук</translation>
    </message>
    <message>
        <source>Usually took</source>
        <translation>Обычно брал</translation>
    </message>
    <message>
        <source>Write the answer first.</source>
        <translation>Сначала напишите ответ.</translation>
    </message>
    <message>
        <source>You cannot be both the guilty person and the responsible of a complaint you register: name another responsible, or ask a shift lead to confirm.</source>
        <translation>Нельзя быть одновременно виновным и ответственным по претензии, которую вы регистрируете: назначьте другого ответственного или попросите подтверждения старшего смены.</translation>
    </message>
    <message>
        <source>add knowledge-base articles</source>
        <translation>добавлять статьи базы знаний</translation>
    </message>
    <message>
        <source>change the complaint reasons</source>
        <translation>менять причины претензий</translation>
    </message>
    <message>
        <source>complaint description</source>
        <translation>описание претензии</translation>
    </message>
    <message>
        <source>complaint reason</source>
        <translation>причина претензии</translation>
    </message>
    <message>
        <source>department</source>
        <translation>подразделение</translation>
    </message>
    <message>
        <source>deposit</source>
        <translation>залог</translation>
    </message>
    <message>
        <source>edit knowledge-base articles</source>
        <translation>изменять статьи базы знаний</translation>
    </message>
    <message>
        <source>give a complaint to another user</source>
        <translation>передавать претензию другому пользователю</translation>
    </message>
    <message>
        <source>goods</source>
        <translation>товар</translation>
    </message>
    <message>
        <source>guilty person</source>
        <translation>виновный</translation>
    </message>
    <message>
        <source>message</source>
        <translation>сообщение</translation>
    </message>
    <message>
        <source>move deliveries</source>
        <translation>переносить доставки</translation>
    </message>
    <message>
        <source>reopen a complaint</source>
        <translation>открывать претензию снова</translation>
    </message>
    <message>
        <source>reschedule deliveries</source>
        <translation>назначать новое время сорванным доставкам</translation>
    </message>
    <message>
        <source>result of the complaint</source>
        <translation>результат по претензии</translation>
    </message>
    <message>
        <source>review a complaint</source>
        <translation>разбирать претензию</translation>
    </message>
    <message>
        <source>revoke the portal access of all of a company&apos;s people</source>
        <translation>закрывать доступ к порталу сразу всем сотрудникам компании</translation>
    </message>
    <message>
        <source>see another operator&apos;s journal</source>
        <translation>смотреть журнал другого оператора</translation>
    </message>
    <message>
        <source>see reports</source>
        <translation>смотреть отчёты</translation>
    </message>
    <message>
        <source>see the complaints escalated to the lead</source>
        <translation>видеть претензии, переданные старшему смены</translation>
    </message>
    <message>
        <source>service</source>
        <translation>услуга</translation>
    </message>
    <message>
        <source>{at:%d.%m.%Y %H:%M} has already passed: plan the call for a later time.</source>
        <translation>{at:%d.%m.%Y %H:%M} уже прошло: запланируйте звонок на более позднее время.</translation>
    </message>
    <message>
        <source>{client} has no portal access to revoke.</source>
        <translation>У клиента {client} нет доступа к порталу.</translation>
    </message>
    <message>
        <source>{login!r} cannot confirm this complaint: only another, active shift lead or admin can.</source>
        <translation>{login!r} не может подтвердить эту претензию: подтверждает другой действующий старший смены или администратор.</translation>
    </message>
    <message>
        <source>{text} is not a date (YYYY-MM-DD).</source>
        <translation>{text} — не дата (ГГГГ-ММ-ДД).</translation>
    </message>
    <message>
        <source>{text} is not a date and time (YYYY-MM-DD HH:MM, Moscow time).</source>
        <translation>{text} — не дата и время (ГГГГ-ММ-ДД ЧЧ:ММ, московское время).</translation>
    </message>
    <message>
        <source>{word!r} is not a day of the week: use mon, tue, wed, thu, fri, sat, sun.</source>
        <translation>«{word}» — не день недели: mon, tue, wed, thu, fri, sat, sun (или пн, вт, ср, чт, пт, сб, вс).</translation>
    </message>
    <message>
        <source>The account {login!r} is disabled. Ask an admin.</source>
        <translation>Учётная запись «{login}» отключена. Обратитесь к администратору.</translation>
    </message>
    <message>
        <source>The client&apos;s name is empty.</source>
        <translation>Не указано имя клиента.</translation>
    </message>
    <message>
        <source>The client&apos;s name is longer than {limit} characters.</source>
        <translation>Имя клиента длиннее {limit} символов.</translation>
    </message>
    <message>
        <source>The code of product {code!r}</source>
        <translation>Код товара «{code}»</translation>
    </message>
    <message>
        <source>The collected amount cannot be negative.</source>
        <translation>Полученная сумма не может быть отрицательной.</translation>
    </message>
    <message>
        <source>The comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <source>The contact&apos;s name</source>
        <translation>Имя контактного лица</translation>
    </message>
    <message>
        <source>The contact&apos;s name is empty.</source>
        <translation>Не указано имя контактного лица.</translation>
    </message>
    <message>
        <source>The coordinates of the delivery address ({lat}, {lon}) are not on the map.</source>
        <translation>Координаты адреса доставки ({lat}, {lon}) не на карте.</translation>
    </message>
    <message>
        <source>The courier&apos;s name is empty.</source>
        <translation>Не указано имя экспедитора.</translation>
    </message>
    <message>
        <source>The delivery address</source>
        <translation>Адрес доставки</translation>
    </message>
    <message>
        <source>The current password is wrong.</source>
        <translation>Текущий пароль указан неверно.</translation>
    </message>
    <message>
        <source>The delivery address is empty.</source>
        <translation>Не указан адрес доставки.</translation>
    </message>
    <message>
        <source>The entrance</source>
        <translation>Подъезд</translation>
    </message>
    <message>
        <source>The flat</source>
        <translation>Квартира</translation>
    </message>
    <message>
        <source>The floor</source>
        <translation>Этаж</translation>
    </message>
    <message>
        <source>The name of product {code!r}</source>
        <translation>Название товара «{code}»</translation>
    </message>
    <message>
        <source>The note for the courier</source>
        <translation>Заметка для экспедитора</translation>
    </message>
    <message>
        <source>The name is too long: at most {count} characters.</source>
        <translation>Слишком длинное имя: не больше {count} символов.</translation>
    </message>
    <message>
        <source>The number of returned bottles cannot be negative.</source>
        <translation>Число возвращённых бутылей не может быть отрицательным.</translation>
    </message>
    <message>
        <source>The order has {count} lines; the courier&apos;s phone takes {limit}.</source>
        <translation>Строк в заказе: {count}, а телефон экспедитора принимает не больше {limit}.</translation>
    </message>
    <message>
        <source>The price of {product}, {amount}, is outside what the courier&apos;s phone takes (0 to {limit}).</source>
        <translation>Цена товара «{product}» ({amount}) вне того, что принимает телефон экспедитора (от 0 до {limit}).</translation>
    </message>
    <message>
        <source>The reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>The password is too long: at most {count} characters.</source>
        <translation>Слишком длинный пароль: не больше {count} символов.</translation>
    </message>
    <message>
        <source>--to ends a company&apos;s contract: give --client as well.</source>
        <translation>--to задаёт окончание договора организации: укажите и --client.</translation>
    </message>
    <message>
        <source>The contract cannot end ({end:%d.%m.%Y}) before the price starts ({start:%d.%m.%Y}).</source>
        <translation>Договор не может закончиться ({end:%d.%m.%Y}) раньше, чем начнёт действовать цена ({start:%d.%m.%Y}).</translation>
    </message>
    <message>
        <source>The contract of {client} ended on {end:%d.%m.%Y}: give its new end date.</source>
        <translation>Договор с {client} закончился {end:%d.%m.%Y}: укажите новую дату окончания.</translation>
    </message>
    <message>
        <source>The courier marked order #{order_id} as not delivered ({reason}) before your cancellation arrived: nothing was sent. The order is back among interests; reload it.</source>
        <translation>Экспедитор отметил заказ №{order_id} как недоставленный ({reason}) раньше, чем пришла ваша отмена: ничего не отправлено. Заказ вернулся в интересы; откройте его заново.</translation>
    </message>
    <message>
        <source>The courier marked order #{order_id} as not delivered ({reason}) before your change arrived: nothing was sent. The order is back among interests; reload it.</source>
        <translation>Экспедитор отметил заказ №{order_id} как недоставленный ({reason}) раньше, чем пришло ваше изменение: ничего не отправлено. Заказ вернулся в интересы; откройте его заново.</translation>
    </message>
    <message>
        <source>The courier&apos;s name is longer than {limit} characters.</source>
        <translation>Имя экспедитора длиннее {limit} символов.</translation>
    </message>
    <message>
        <source>The notes are longer than {limit} characters.</source>
        <translation>Заметка длиннее {limit} символов.</translation>
    </message>
    <message>
        <source>The password is too short: at least {count} characters.</source>
        <translation>Слишком короткий пароль: нужно не меньше {count} символов.</translation>
    </message>
    <message>
        <source>The reject reason {name!r} already exists.</source>
        <translation>Причина отказа «{name}» уже есть.</translation>
    </message>
    <message>
        <source>The time window {start:%H:%M}-{end:%H:%M} ends before it starts.</source>
        <translation>Интервал {start:%H:%M}–{end:%H:%M} заканчивается раньше, чем начинается.</translation>
    </message>
    <message>
        <source>The {what} cannot be empty.</source>
        <translation>Поле «{what}» не может быть пустым.</translation>
    </message>
    <message>
        <source>The {what} is too long: at most {count} characters.</source>
        <translation>Поле «{what}» слишком длинное: не больше {count} символов.</translation>
    </message>
    <message>
        <source>There is no product with code {code!r}.</source>
        <translation>Товара с кодом «{code}» нет.</translation>
    </message>
    <message>
        <source>There is no user with login {login!r}.</source>
        <translation>Пользователя с логином «{login}» нет.</translation>
    </message>
    <message>
        <source>This address is already retired.</source>
        <translation>Этот адрес уже не используется.</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>четверг</translation>
    </message>
    <message>
        <source>Time window {text!r} is not in the form HH:MM-HH:MM, e.g. 10:00-14:00.</source>
        <translation>Интервал «{text}» нужно указать в виде ЧЧ:ММ-ЧЧ:ММ, например 10:00-14:00.</translation>
    </message>
    <message>
        <source>Too many wrong passwords in a row. Try again in {minutes} min.</source>
        <translation>Слишком много неверных паролей подряд. Повторите через {minutes} мин.</translation>
    </message>
    <message>
        <source>Too many wrong passwords in a row. Try again in {seconds} s.</source>
        <translation>Слишком много неверных паролей подряд. Повторите через {seconds} с.</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>вторник</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>среда</translation>
    </message>
    <message>
        <source>Working hours {start:%H:%M}-{end:%H:%M}: the end must be after the start.</source>
        <translation>Рабочие часы {start:%H:%M}-{end:%H:%M}: конец должен быть позже начала.</translation>
    </message>
    <message>
        <source>Working hours {text!r} are not in the form HH:MM-HH:MM, e.g. 09:00-18:00.</source>
        <translation>Рабочие часы «{text}» нужно указать в виде ЧЧ:ММ-ЧЧ:ММ, например 09:00-18:00.</translation>
    </message>
    <message>
        <source>Wrong login or password.</source>
        <translation>Неверный логин или пароль.</translation>
    </message>
    <message>
        <source>You may not {action}: only a shift lead or an admin may do that. You are signed in as {role}.</source>
        <translation>Вам нельзя {action}: это может только старший смены или администратор. Вы вошли как {role}.</translation>
    </message>
    <message>
        <source>You may not {action}: only an admin may do that. You are signed in as {role}.</source>
        <translation>Вам нельзя {action}: это может только администратор. Вы вошли как {role}.</translation>
    </message>
    <message>
        <source>activate couriers</source>
        <translation>включать экспедиторов</translation>
    </message>
    <message>
        <source>add couriers</source>
        <translation>добавлять курьеров</translation>
    </message>
    <message>
        <source>add products</source>
        <translation>добавлять товары</translation>
    </message>
    <message>
        <source>add users</source>
        <translation>добавлять пользователей</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>администратор</translation>
    </message>
    <message>
        <source>already delivers on {street} on {day:%d.%m}</source>
        <translation>{day:%d.%m} уже доставляет на {street}</translation>
    </message>
    <message>
        <source>an interest</source>
        <translation>пока интерес</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменён</translation>
    </message>
    <message>
        <source>change prices</source>
        <translation>менять цены</translation>
    </message>
    <message>
        <source>change the catalogue</source>
        <translation>менять каталог</translation>
    </message>
    <message>
        <source>change the reject reasons</source>
        <translation>менять причины отказа</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>закрыт</translation>
    </message>
    <message>
        <source>deactivate couriers</source>
        <translation>отключать экспедиторов</translation>
    </message>
    <message>
        <source>delivered this client&apos;s last order</source>
        <translation>доставлял прошлый заказ этого клиента</translation>
    </message>
    <message>
        <source>delivered this client&apos;s last order on {day:%d.%m}</source>
        <translation>доставлял прошлый заказ этого клиента {day:%d.%m}</translation>
    </message>
    <message>
        <source>disable users</source>
        <translation>отключать пользователей</translation>
    </message>
    <message>
        <source>edit couriers</source>
        <translation>изменять экспедиторов</translation>
    </message>
    <message>
        <source>edit the reject reasons</source>
        <translation>менять список причин отказа</translation>
    </message>
    <message>
        <source>enable users</source>
        <translation>включать пользователей</translation>
    </message>
    <message>
        <source>has the fewest deliveries on {day:%d.%m} ({n})</source>
        <translation>меньше всех доставок на {day:%d.%m} ({n})</translation>
    </message>
    <message>
        <source>has {n} deliveries nearby on {day:%d.%m}</source>
        <translation>{day:%d.%m} доставок поблизости: {n}</translation>
    </message>
    <message>
        <source>has {n} delivery nearby on {day:%d.%m}</source>
        <translation>{day:%d.%m} уже везёт заказ поблизости ({n})</translation>
    </message>
    <message>
        <source>list users</source>
        <translation>смотреть список пользователей</translation>
    </message>
    <message>
        <source>merge clients</source>
        <translation>объединять клиентов</translation>
    </message>
    <message>
        <source>not usable</source>
        <translation>не подходит</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>оператор</translation>
    </message>
    <message>
        <source>out for delivery</source>
        <translation>в доставке</translation>
    </message>
    <message>
        <source>product code</source>
        <translation>код товара</translation>
    </message>
    <message>
        <source>product name</source>
        <translation>название товара</translation>
    </message>
    <message>
        <source>reject reason</source>
        <translation>причина отказа</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>отклонён</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>единица измерения</translation>
    </message>
    <message>
        <source>{amount} is not a believable price: at most {limit} a unit.</source>
        <translation>{amount} — неправдоподобная цена: не больше {limit} за единицу.</translation>
    </message>
    <message>
        <source>{client} is a private person: contract prices are for companies.</source>
        <translation>{client} — физическое лицо: цены по договору бывают только у организаций.</translation>
    </message>
    <message>
        <source>{field} holds a character the courier&apos;s phone cannot take (a NUL or a broken character).</source>
        <translation>{field}: есть символ, который телефон экспедитора не примет (NUL или испорченный символ).</translation>
    </message>
    <message>
        <source>{field} is empty; the courier&apos;s phone needs it.</source>
        <translation>{field}: не заполнено, а телефону экспедитора это нужно.</translation>
    </message>
    <message>
        <source>{field} is {length} characters long; the courier&apos;s phone takes {limit}.</source>
        <translation>{field}: {length} знаков, а телефон экспедитора принимает не больше {limit}.</translation>
    </message>
    <message>
        <source>set other users&apos; passwords</source>
        <translation>менять пароли других пользователей</translation>
    </message>
    <message>
        <source>shift lead</source>
        <translation>старший смены</translation>
    </message>
    <message>
        <source>{kind!r} is not a kind of product: goods, service or deposit.</source>
        <translation>«{kind}» — не вид товара: goods (товар), service (услуга) или deposit (залог).</translation>
    </message>
    <message>
        <source>{login!r} is the last active admin: add another admin first.</source>
        <translation>«{login}» — последний действующий администратор: сначала добавьте другого.</translation>
    </message>
    <message>
        <source>{name} does not work on {weekday} ({day:%d.%m}).</source>
        <translation>{name}: выходной день — {weekday} ({day:%d.%m}).</translation>
    </message>
    <message>
        <source>{name} is deactivated and takes no deliveries.</source>
        <translation>{name} отключён и не принимает доставки.</translation>
    </message>
    <message>
        <source>{number} is already on this client&apos;s card.</source>
        <translation>Номер {number} уже есть в карточке этого клиента.</translation>
    </message>
    <message>
        <source>{number} is not on this client&apos;s card.</source>
        <translation>Номера {number} нет в карточке этого клиента.</translation>
    </message>
    <message>
        <source>{product} has no price for {client}.</source>
        <translation>Для клиента {client} нет цены на «{product}».</translation>
    </message>
    <message>
        <source>{product} is no longer sold.</source>
        <translation>«{product}» больше не продаётся.</translation>
    </message>
    <message>
        <source>{role!r} is not a role: operator, lead or admin.</source>
        <translation>«{role}» — не роль: operator, lead или admin.</translation>
    </message>
    <message>
        <source>{start:%H:%M}–{end:%H:%M} is outside {name}&apos;s hours ({work_start:%H:%M}–{work_end:%H:%M}).</source>
        <translation>{start:%H:%M}–{end:%H:%M} вне рабочих часов: {name} работает {work_start:%H:%M}–{work_end:%H:%M}.</translation>
    </message>
    <message>
        <source>{text!r} has fractions of a kopeck.</source>
        <translation>В сумме «{text}» есть доли копейки.</translation>
    </message>
    <message>
        <source>{text!r} is not an amount of money.</source>
        <translation>«{text}» — не денежная сумма.</translation>
    </message>
    <message>
        <source>{text!r} is too large an amount.</source>
        <translation>Сумма «{text}» слишком велика.</translation>
    </message>
</context>
<context>
    <name>shortcuts</name>
    <message>
        <source>Answer the ringing call</source>
        <translation>Ответить на входящий звонок</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Положить трубку</translation>
    </message>
    <message>
        <source>Reject the ringing call (busy)</source>
        <translation>Отклонить входящий звонок (занято)</translation>
    </message>
    <message>
        <source>Hold / resume</source>
        <translation>Удержание / продолжить</translation>
    </message>
    <message>
        <source>Transfer the call to a number</source>
        <translation>Перевести звонок на номер</translation>
    </message>
    <message>
        <source>Mute / unmute the microphone</source>
        <translation>Выключить / включить микрофон</translation>
    </message>
    <message>
        <source>Send DTMF digits</source>
        <translation>Отправить цифры DTMF</translation>
    </message>
    <message>
        <source>Call the selected client back</source>
        <translation>Перезвонить выбранному клиенту</translation>
    </message>
    <message>
        <source>Confirm: the client, the suggested slot</source>
        <translation>Подтвердить: клиента, предложенное время</translation>
    </message>
    <message>
        <source>Search clients by name, address or phone</source>
        <translation>Поиск клиентов по имени, адресу или телефону</translation>
    </message>
    <message>
        <source>New client</source>
        <translation>Новый клиент</translation>
    </message>
    <message>
        <source>Merge duplicates into the selected client</source>
        <translation>Объединить дубли с выбранным клиентом</translation>
    </message>
    <message>
        <source>Edit the selected client&apos;s card</source>
        <translation>Изменить карточку выбранного клиента</translation>
    </message>
    <message>
        <source>Attach an unknown caller&apos;s number to a client</source>
        <translation>Привязать номер неизвестного абонента к клиенту</translation>
    </message>
    <message>
        <source>Repeat the client&apos;s last order</source>
        <translation>Повторить последний заказ клиента</translation>
    </message>
    <message>
        <source>Find a product to add (+/- change quantity)</source>
        <translation>Найти товар для добавления (+/- — количество)</translation>
    </message>
    <message>
        <source>Choose the courier</source>
        <translation>Выбрать экспедитора</translation>
    </message>
    <message>
        <source>Delivery date</source>
        <translation>Дата доставки</translation>
    </message>
    <message>
        <source>Delivery time window</source>
        <translation>Интервал доставки</translation>
    </message>
    <message>
        <source>Comment for the courier</source>
        <translation>Комментарий для экспедитора</translation>
    </message>
    <message>
        <source>Send the order to delivery</source>
        <translation>Отправить заказ в доставку</translation>
    </message>
    <message>
        <source>Reject the interest with a reason</source>
        <translation>Отказ по интересу с причиной</translation>
    </message>
    <message>
        <source>Cancel the order on screen with a reason</source>
        <translation>Отменить открытый заказ с причиной</translation>
    </message>
    <message>
        <source>Open an order by number (change or cancel it)</source>
        <translation>Открыть заказ по номеру (изменить или отменить)</translation>
    </message>
    <message>
        <source>Calls of the day and the callback list</source>
        <translation>Звонки за день и список перезвонов</translation>
    </message>
    <message>
        <source>Reports: delivered water, orders, lost clients…</source>
        <translation>Отчёты: доставленная вода, заказы, потерянные клиенты…</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Switch operator (sign out)</source>
        <translation>Сменить оператора (выйти)</translation>
    </message>
    <message>
        <source>This shortcut map</source>
        <translation>Эта таблица клавиш</translation>
    </message>
    <message>
        <source>Demo: place a test call into the workspace</source>
        <translation>Демо: тестовый звонок в рабочее место</translation>
    </message>
    <message>
        <source>Transfer the call to the order&apos;s courier</source>
        <translation>Перевести звонок на экспедитора заказа</translation>
    </message>
    <message>
        <source>Call the order&apos;s courier (a second call)</source>
        <translation>Позвонить экспедитору заказа (второй звонок)</translation>
    </message>
    <message>
        <source>Board: the day per courier and the problems (shift lead)</source>
        <translation>Доска: день по экспедиторам и проблемы (старший смены)</translation>
    </message>
    <message>
        <source>Board: new date and window for the selected order</source>
        <translation>Доска: новая дата и интервал выбранного заказа</translation>
    </message>
    <message>
        <source>Board: another courier for the selected order</source>
        <translation>Доска: другой экспедитор для выбранного заказа</translation>
    </message>
    <message>
        <source>Board: call the selected order&apos;s client</source>
        <translation>Доска: позвонить клиенту выбранного заказа</translation>
    </message>
    <message>
        <source>Board: open the selected order in the order panel</source>
        <translation>Доска: открыть выбранный заказ в панели заказа</translation>
    </message>
    <message>
        <source>Board: the day before</source>
        <translation>Доска: предыдущий день</translation>
    </message>
    <message>
        <source>Board: the day after</source>
        <translation>Доска: следующий день</translation>
    </message>
    <message>
        <source>Board: today</source>
        <translation>Доска: сегодня</translation>
    </message>
    <message>
        <source>Register a complaint of the client on the call</source>
        <translation>Зарегистрировать претензию клиента на линии</translation>
    </message>
    <message>
        <source>Complaints: overdue first (shift lead)</source>
        <translation>Претензии: сначала просроченные (старший смены)</translation>
    </message>
    <message>
        <source>Plan a call back to the selected client</source>
        <translation>Запланировать звонок выбранному клиенту</translation>
    </message>
    <message>
        <source>Open the first suggested knowledge-base article</source>
        <translation>Открыть первую предложенную статью базы знаний</translation>
    </message>
    <message>
        <source>Portal: orders from clients to confirm</source>
        <translation>Портал: заказы клиентов на подтверждение</translation>
    </message>
    <message>
        <source>Portal: confirm the selected order</source>
        <translation>Портал: подтвердить выбранный заказ</translation>
    </message>
    <message>
        <source>Portal: call the selected order&apos;s client</source>
        <translation>Портал: позвонить клиенту выбранного заказа</translation>
    </message>
</context>
</TS>
