"""Every message template of dispatcher/, for lupdate (made by scripts/domain-strings).

Do not edit: run scripts/domain-strings after changing a domain message. The domain has no
Qt, so this list is how its templates reach the "dispatcher" context of the .ts files.
"""

# ruff: noqa: E501  (a template is one literal, however long: this is how lupdate reads it)

from PySide6.QtCore import QT_TRANSLATE_NOOP

TEMPLATES: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("dispatcher", "--to ends a company's contract: give --client as well."),
    QT_TRANSLATE_NOOP("dispatcher", "A call time must carry its time zone."),
    QT_TRANSLATE_NOOP("dispatcher", "A courier must work at least one day of the week."),
    QT_TRANSLATE_NOOP("dispatcher", "A courier's capacity must be at least one bottle."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "A courier's capacity of {capacity} bottles is more than {limit}: a typing slip?",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "A note needs its text."),
    QT_TRANSLATE_NOOP("dispatcher", "A plan is done by a call, not by another plan."),
    QT_TRANSLATE_NOOP("dispatcher", "A planned time must carry its time zone."),
    QT_TRANSLATE_NOOP("dispatcher", "A price cannot be negative ({amount})."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "A price cannot start in the past ({date:%d.%m.%Y}): orders already taken keep their prices. Start it today or later.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "A product needs a code and a name."),
    QT_TRANSLATE_NOOP("dispatcher", "A product with code {code!r} already exists."),
    QT_TRANSLATE_NOOP("dispatcher", "A question and its keywords fit in 500 characters each."),
    QT_TRANSLATE_NOOP("dispatcher", "A reject reason needs a text."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "A report covers at most three years; the period {start:%d.%m.%Y}–{end:%d.%m.%Y} is longer.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "A time window needs both a start and an end."),
    QT_TRANSLATE_NOOP("dispatcher", "A user needs a name."),
    QT_TRANSLATE_NOOP("dispatcher", "A user with login {login!r} already exists."),
    QT_TRANSLATE_NOOP("dispatcher", "Address #{address_id} does not exist."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Address #{address_id} is no longer a delivery point of this client."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Address #{address_id} is not a delivery point of client #{client_id}."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Address #{address_id} is not a delivery point of this client."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "An article needs a question."),
    QT_TRANSLATE_NOOP("dispatcher", "An article needs an answer."),
    QT_TRANSLATE_NOOP("dispatcher", "An idempotency key is 1 to {limit} printable characters."),
    QT_TRANSLATE_NOOP("dispatcher", "Article #{article_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Attachment #{attachment_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Bottles delivered"),
    QT_TRANSLATE_NOOP("dispatcher", "Bottles held"),
    QT_TRANSLATE_NOOP("dispatcher", "Call #{call_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Called back"),
    QT_TRANSLATE_NOOP("dispatcher", "Calls answered"),
    QT_TRANSLATE_NOOP("dispatcher", "Calls missed"),
    QT_TRANSLATE_NOOP("dispatcher", "Cancelled"),
    QT_TRANSLATE_NOOP("dispatcher", "Cancelled, %"),
    QT_TRANSLATE_NOOP("dispatcher", "Choose a courier for order #{order_id}."),
    QT_TRANSLATE_NOOP("dispatcher", "Choose at least one duplicate to merge."),
    QT_TRANSLATE_NOOP("dispatcher", "Choose the contact person of {client} to invite."),
    QT_TRANSLATE_NOOP("dispatcher", "Choose why the interest was rejected."),
    QT_TRANSLATE_NOOP("dispatcher", "Client"),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Client #{client_id} ({name}) was already merged into #{target_id}."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Client #{client_id} cannot be merged into itself."),
    QT_TRANSLATE_NOOP("dispatcher", "Client #{client_id} does not exist."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Client #{client_id} was already merged into #{target_id}: keep that one."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Client #{client_id} was merged into #{target_id}: use that one."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Client no."),
    QT_TRANSLATE_NOOP("dispatcher", "Clients"),
    QT_TRANSLATE_NOOP("dispatcher", "Code"),
    QT_TRANSLATE_NOOP("dispatcher", "Collected"),
    QT_TRANSLATE_NOOP("dispatcher", "Companies, qty"),
    QT_TRANSLATE_NOOP("dispatcher", "Companies, sum"),
    QT_TRANSLATE_NOOP("dispatcher", "Complaint #{complaint_id} does not exist."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Complaint #{complaint_id} is already resolved; a shift lead can reopen it."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Complaint #{complaint_id} is not resolved."),
    QT_TRANSLATE_NOOP("dispatcher", "Complaint #{complaint_id} waits for no review."),
    QT_TRANSLATE_NOOP("dispatcher", "Complaint reason #{reason_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Complaints"),
    QT_TRANSLATE_NOOP("dispatcher", "Contact #{contact_id} is not a contact of {client}."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Contact #{contact_id} is not a person of client #{client_id}."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Courier"),
    QT_TRANSLATE_NOOP("dispatcher", "Courier #{courier_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Courier {courier} is not working any more."),
    QT_TRANSLATE_NOOP("dispatcher", "Courier's phone {phone!r}: {problem}"),
    QT_TRANSLATE_NOOP("dispatcher", "Day"),
    QT_TRANSLATE_NOOP("dispatcher", "Delivered"),
    QT_TRANSLATE_NOOP("dispatcher", "Delivered, %"),
    QT_TRANSLATE_NOOP("dispatcher", "Deliveries"),
    QT_TRANSLATE_NOOP("dispatcher", "Delivery date {date:%d.%m.%Y} is in the past."),
    QT_TRANSLATE_NOOP("dispatcher", "Difference"),
    QT_TRANSLATE_NOOP("dispatcher", "Differs"),
    QT_TRANSLATE_NOOP("dispatcher", "Empties returned"),
    QT_TRANSLATE_NOOP("dispatcher", "Failed and rescheduled"),
    QT_TRANSLATE_NOOP("dispatcher", "Failed and rescheduled, %"),
    QT_TRANSLATE_NOOP("dispatcher", "Friday"),
    QT_TRANSLATE_NOOP("dispatcher", "Grouped by"),
    QT_TRANSLATE_NOOP("dispatcher", "Hours to resolve (average)"),
    QT_TRANSLATE_NOOP(
        "dispatcher", "INN {inn!r} is not valid (10 or 12 digits with a correct checksum)."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Interaction #{interaction_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Kind"),
    QT_TRANSLATE_NOOP("dispatcher", "Last order"),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "Login {login!r} is not valid: use {low} to {high} letters, digits, dots, dashes or underscores.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Monday"),
    QT_TRANSLATE_NOOP("dispatcher", "Name"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: area code is missing"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: could not be read"),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Not a phone number: digits are not laid out like a phone number"
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: empty"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: letters are not allowed"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: no digits"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: too few digits"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: too long"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: too many digits"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: unknown country code"),
    QT_TRANSLATE_NOOP("dispatcher", "Not a phone number: wrong number of digits for this country"),
    QT_TRANSLATE_NOOP("dispatcher", "Not satisfied"),
    QT_TRANSLATE_NOOP("dispatcher", "Only a company has an INN on its card."),
    QT_TRANSLATE_NOOP("dispatcher", "Operator"),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} already has a task on a courier's phone."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "Order #{order_id} already has these products, address, comment and payment method: there is nothing to change.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} already has this courier and slot."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "Order #{order_id} cannot go to delivery without a delivery address and at least one product.",
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Order #{order_id} cannot go to delivery without a delivery address."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Order #{order_id} cannot go to delivery without at least one product."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} does not exist."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Order #{order_id} is not a failed delivery waiting for a new slot."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} is not a portal order."),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} is not an order of client #{client_id}."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "Order #{order_id} is out for delivery and needs at least one product; to call the delivery off, cancel the order.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} is {state}: it cannot be cancelled."),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} is {state}: it cannot be changed any more."),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} is {state}: it cannot be closed."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Order #{order_id} is {state}: it cannot be given another courier or slot."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Order #{order_id} is {state}: it cannot be marked as a failed delivery."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} is {state}: it cannot be rejected."),
    QT_TRANSLATE_NOOP("dispatcher", "Order #{order_id} is {state}: it cannot be sent to delivery."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "Order #{order_id} was already delivered: the courier marked the task done, so it cannot be cancelled.",
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "Order #{order_id} was already delivered: the courier marked the task done, so it cannot be changed.",
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "Order #{order_id} was changed by someone else since you opened it (version {expected}, now {current}). Reload it and try again.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Orders"),
    QT_TRANSLATE_NOOP("dispatcher", "Orders taken"),
    QT_TRANSLATE_NOOP("dispatcher", "Overdue"),
    QT_TRANSLATE_NOOP("dispatcher", "Overdue, %"),
    QT_TRANSLATE_NOOP("dispatcher", "Payment method {value!r} is not cash or invoice."),
    QT_TRANSLATE_NOOP("dispatcher", "Payment terms are cash or invoice, not {terms!r}."),
    QT_TRANSLATE_NOOP("dispatcher", "Persons, qty"),
    QT_TRANSLATE_NOOP("dispatcher", "Persons, sum"),
    QT_TRANSLATE_NOOP("dispatcher", "Phone"),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Phone {raw!r} is a short internal number, not a client's phone."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Phone {raw!r}: {problem}"),
    QT_TRANSLATE_NOOP("dispatcher", "Planned interaction #{plan_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Planned interaction #{plan_id} is already done."),
    QT_TRANSLATE_NOOP("dispatcher", "Portal message #{message_id} does not exist."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Portal order #{order_id} is no longer waiting for confirmation."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Portal order #{order_id} was already confirmed by {login}."),
    QT_TRANSLATE_NOOP("dispatcher", "Portal order #{order_id} was refused on arrival: {why}"),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "Priority is low, normal or high; the remedy none, redelivery, replacement or refund.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Product"),
    QT_TRANSLATE_NOOP("dispatcher", "Quantity"),
    QT_TRANSLATE_NOOP("dispatcher", "Quantity of {code!r} must be at least 1."),
    QT_TRANSLATE_NOOP("dispatcher", "Quantity {qty} of {code!r} is too large."),
    QT_TRANSLATE_NOOP("dispatcher", "Reject reason #{reason_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Reject reason #{reason_id} is not in the list of reasons."),
    QT_TRANSLATE_NOOP("dispatcher", "Rejected"),
    QT_TRANSLATE_NOOP("dispatcher", "Rejected, %"),
    QT_TRANSLATE_NOOP("dispatcher", "Resolved"),
    QT_TRANSLATE_NOOP("dispatcher", "Saturday"),
    QT_TRANSLATE_NOOP("dispatcher", "Say what the planned call is about."),
    QT_TRANSLATE_NOOP("dispatcher", "Say why the delivery failed."),
    QT_TRANSLATE_NOOP("dispatcher", "Say why the order is cancelled, e.g. the client's request."),
    QT_TRANSLATE_NOOP("dispatcher", "Sign in as a shift lead or an admin to {action}."),
    QT_TRANSLATE_NOOP("dispatcher", "Sign in as an admin to {action}."),
    QT_TRANSLATE_NOOP("dispatcher", "Sign in to {action}."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Someone else changed this order a moment ago. Reload it and try again."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Still open"),
    QT_TRANSLATE_NOOP("dispatcher", "Still open, %"),
    QT_TRANSLATE_NOOP("dispatcher", "Sum"),
    QT_TRANSLATE_NOOP("dispatcher", "Sum of orders"),
    QT_TRANSLATE_NOOP("dispatcher", "Sunday"),
    QT_TRANSLATE_NOOP("dispatcher", "The account {login!r} is disabled. Ask an admin."),
    QT_TRANSLATE_NOOP("dispatcher", "The address is longer than {limit} characters."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The address {text!r} has no house number: add it, e.g. ул. Ленина, д. 5."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "The amount to collect, {amount}, is outside what the courier's phone takes (0 to {limit}).",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The answer is longer than {limit} characters."),
    QT_TRANSLATE_NOOP("dispatcher", "The capacity {text!r} is not a whole number of bottles."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The change touches {count} lines; the courier's phone takes {limit}."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The client kind is person or company, not {kind!r}."),
    QT_TRANSLATE_NOOP("dispatcher", "The client's name"),
    QT_TRANSLATE_NOOP("dispatcher", "The client's name is empty."),
    QT_TRANSLATE_NOOP("dispatcher", "The client's name is longer than {limit} characters."),
    QT_TRANSLATE_NOOP("dispatcher", "The code of product {code!r}"),
    QT_TRANSLATE_NOOP("dispatcher", "The collected amount cannot be negative."),
    QT_TRANSLATE_NOOP("dispatcher", "The comment"),
    QT_TRANSLATE_NOOP("dispatcher", "The contact's name"),
    QT_TRANSLATE_NOOP("dispatcher", "The contact's name is empty."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "The contract cannot end ({end:%d.%m.%Y}) before the price starts ({start:%d.%m.%Y}).",
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The contract of {client} ended on {end:%d.%m.%Y}: give its new end date."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The coordinates of the delivery address ({lat}, {lon}) are not on the map."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "The courier marked order #{order_id} as not delivered ({reason}) before your cancellation arrived: nothing was sent. The order is back among interests; reload it.",
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "The courier marked order #{order_id} as not delivered ({reason}) before your change arrived: nothing was sent. The order is back among interests; reload it.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The courier's name is empty."),
    QT_TRANSLATE_NOOP("dispatcher", "The courier's name is longer than {limit} characters."),
    QT_TRANSLATE_NOOP("dispatcher", "The current password is wrong."),
    QT_TRANSLATE_NOOP("dispatcher", "The deadline {date:%d.%m.%Y} is in the past."),
    QT_TRANSLATE_NOOP("dispatcher", "The delivery address"),
    QT_TRANSLATE_NOOP("dispatcher", "The delivery address is empty."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The department {department!r} already has a thread on this complaint."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The entrance"),
    QT_TRANSLATE_NOOP("dispatcher", "The flat"),
    QT_TRANSLATE_NOOP("dispatcher", "The floor"),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "The idempotency key {key!r} was already used for order #{order_id} of another client: a new order needs a new key.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The name is too long: at most {count} characters."),
    QT_TRANSLATE_NOOP("dispatcher", "The name of product {code!r}"),
    QT_TRANSLATE_NOOP("dispatcher", "The note for the courier"),
    QT_TRANSLATE_NOOP("dispatcher", "The notes are longer than {limit} characters."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The number of months without orders must be between 1 and 120, not {months}."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The number of returned bottles cannot be negative."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The order has {count} lines; the courier's phone takes {limit}."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The password is too long: at most {count} characters."),
    QT_TRANSLATE_NOOP("dispatcher", "The password is too short: at least {count} characters."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The period ends ({end:%d.%m.%Y}) before it starts ({start:%d.%m.%Y})."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "The price of {product}, {amount}, is outside what the courier's phone takes (0 to {limit}).",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The reason"),
    QT_TRANSLATE_NOOP("dispatcher", "The reject reason {name!r} already exists."),
    QT_TRANSLATE_NOOP("dispatcher", "The report was cancelled."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The standard time of a complaint reason is 1 to {limit} hours, not {hours}."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "The time window {start:%H:%M}-{end:%H:%M} ends before it starts."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "The {what} cannot be empty."),
    QT_TRANSLATE_NOOP("dispatcher", "The {what} is too long: at most {count} characters."),
    QT_TRANSLATE_NOOP("dispatcher", "There is no active user {login!r} to be responsible."),
    QT_TRANSLATE_NOOP("dispatcher", "There is no active user {login}."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "There is no complaint reason {reason!r}; the reasons are: {names}."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "There is no product with code {code!r}."),
    QT_TRANSLATE_NOOP("dispatcher", "There is no report {name!r}; the reports are {names}."),
    QT_TRANSLATE_NOOP("dispatcher", "There is no user with login {login!r}."),
    QT_TRANSLATE_NOOP("dispatcher", "This address is already retired."),
    QT_TRANSLATE_NOOP("dispatcher", "Thread #{thread_id} does not exist."),
    QT_TRANSLATE_NOOP("dispatcher", "Thursday"),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Time window {text!r} is not in the form HH:MM-HH:MM, e.g. 10:00-14:00."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "To collect"),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Too many wrong passwords in a row. Try again in {minutes} min."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Too many wrong passwords in a row. Try again in {seconds} s."),
    QT_TRANSLATE_NOOP("dispatcher", "Total"),
    QT_TRANSLATE_NOOP("dispatcher", "Tuesday"),
    QT_TRANSLATE_NOOP("dispatcher", "Usual quantity"),
    QT_TRANSLATE_NOOP("dispatcher", "Usually took"),
    QT_TRANSLATE_NOOP("dispatcher", "Wednesday"),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Working hours {start:%H:%M}-{end:%H:%M}: the end must be after the start."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "Working hours {text!r} are not in the form HH:MM-HH:MM, e.g. 09:00-18:00."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "Write the answer first."),
    QT_TRANSLATE_NOOP("dispatcher", "Wrong login or password."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "You cannot be both the guilty person and the responsible of a complaint you register: name another responsible, or ask a shift lead to confirm.",
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "You may not {action}: only a shift lead or an admin may do that. You are signed in as {role}.",
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "You may not {action}: only an admin may do that. You are signed in as {role}.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "activate couriers"),
    QT_TRANSLATE_NOOP("dispatcher", "add couriers"),
    QT_TRANSLATE_NOOP("dispatcher", "add knowledge-base articles"),
    QT_TRANSLATE_NOOP("dispatcher", "add products"),
    QT_TRANSLATE_NOOP("dispatcher", "add users"),
    QT_TRANSLATE_NOOP("dispatcher", "admin"),
    QT_TRANSLATE_NOOP("dispatcher", "already delivers on {street} on {day:%d.%m}"),
    QT_TRANSLATE_NOOP("dispatcher", "an interest"),
    QT_TRANSLATE_NOOP("dispatcher", "cancelled"),
    QT_TRANSLATE_NOOP("dispatcher", "change prices"),
    QT_TRANSLATE_NOOP("dispatcher", "change the catalogue"),
    QT_TRANSLATE_NOOP("dispatcher", "change the complaint reasons"),
    QT_TRANSLATE_NOOP("dispatcher", "change the reject reasons"),
    QT_TRANSLATE_NOOP("dispatcher", "closed"),
    QT_TRANSLATE_NOOP("dispatcher", "complaint description"),
    QT_TRANSLATE_NOOP("dispatcher", "complaint reason"),
    QT_TRANSLATE_NOOP("dispatcher", "deactivate couriers"),
    QT_TRANSLATE_NOOP("dispatcher", "delivered this client's last order"),
    QT_TRANSLATE_NOOP("dispatcher", "delivered this client's last order on {day:%d.%m}"),
    QT_TRANSLATE_NOOP("dispatcher", "department"),
    QT_TRANSLATE_NOOP("dispatcher", "deposit"),
    QT_TRANSLATE_NOOP("dispatcher", "disable users"),
    QT_TRANSLATE_NOOP("dispatcher", "edit couriers"),
    QT_TRANSLATE_NOOP("dispatcher", "edit knowledge-base articles"),
    QT_TRANSLATE_NOOP("dispatcher", "edit the reject reasons"),
    QT_TRANSLATE_NOOP("dispatcher", "enable users"),
    QT_TRANSLATE_NOOP("dispatcher", "give a complaint to another user"),
    QT_TRANSLATE_NOOP("dispatcher", "goods"),
    QT_TRANSLATE_NOOP("dispatcher", "guilty person"),
    QT_TRANSLATE_NOOP("dispatcher", "has the fewest deliveries on {day:%d.%m} ({n})"),
    QT_TRANSLATE_NOOP("dispatcher", "has {n} deliveries nearby on {day:%d.%m}"),
    QT_TRANSLATE_NOOP("dispatcher", "has {n} delivery nearby on {day:%d.%m}"),
    QT_TRANSLATE_NOOP("dispatcher", "list users"),
    QT_TRANSLATE_NOOP("dispatcher", "merge clients"),
    QT_TRANSLATE_NOOP("dispatcher", "message"),
    QT_TRANSLATE_NOOP("dispatcher", "move deliveries"),
    QT_TRANSLATE_NOOP("dispatcher", "not usable"),
    QT_TRANSLATE_NOOP("dispatcher", "operator"),
    QT_TRANSLATE_NOOP("dispatcher", "out for delivery"),
    QT_TRANSLATE_NOOP("dispatcher", "product code"),
    QT_TRANSLATE_NOOP("dispatcher", "product name"),
    QT_TRANSLATE_NOOP("dispatcher", "reject reason"),
    QT_TRANSLATE_NOOP("dispatcher", "rejected"),
    QT_TRANSLATE_NOOP("dispatcher", "reopen a complaint"),
    QT_TRANSLATE_NOOP("dispatcher", "reschedule deliveries"),
    QT_TRANSLATE_NOOP("dispatcher", "result of the complaint"),
    QT_TRANSLATE_NOOP("dispatcher", "review a complaint"),
    QT_TRANSLATE_NOOP("dispatcher", "revoke the portal access of all of a company's people"),
    QT_TRANSLATE_NOOP("dispatcher", "see another operator's journal"),
    QT_TRANSLATE_NOOP("dispatcher", "see reports"),
    QT_TRANSLATE_NOOP("dispatcher", "see the complaints escalated to the lead"),
    QT_TRANSLATE_NOOP("dispatcher", "service"),
    QT_TRANSLATE_NOOP("dispatcher", "set other users' passwords"),
    QT_TRANSLATE_NOOP("dispatcher", "shift lead"),
    QT_TRANSLATE_NOOP("dispatcher", "unit"),
    QT_TRANSLATE_NOOP("dispatcher", "{amount} is not a believable price: at most {limit} a unit."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "{at:%d.%m.%Y %H:%M} has already passed: plan the call for a later time."
    ),
    QT_TRANSLATE_NOOP("dispatcher", "{client} has no portal access to revoke."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "{client} is a private person: contract prices are for companies."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "{field} holds a character the courier's phone cannot take (a NUL or a broken character).",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "{field} is empty; the courier's phone needs it."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "{field} is {length} characters long; the courier's phone takes {limit}."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "{kind!r} is not a kind of product: goods, service or deposit."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "{login!r} cannot confirm this complaint: only another, active shift lead or admin can.",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "{login!r} is the last active admin: add another admin first."),
    QT_TRANSLATE_NOOP("dispatcher", "{name} does not work on {weekday} ({day:%d.%m})."),
    QT_TRANSLATE_NOOP("dispatcher", "{name} is deactivated and takes no deliveries."),
    QT_TRANSLATE_NOOP("dispatcher", "{number} is already on this client's card."),
    QT_TRANSLATE_NOOP("dispatcher", "{number} is not on this client's card."),
    QT_TRANSLATE_NOOP("dispatcher", "{product} has no price for {client}."),
    QT_TRANSLATE_NOOP("dispatcher", "{product} is no longer sold."),
    QT_TRANSLATE_NOOP("dispatcher", "{role!r} is not a role: operator, lead or admin."),
    QT_TRANSLATE_NOOP(
        "dispatcher",
        "{start:%H:%M}–{end:%H:%M} is outside {name}'s hours ({work_start:%H:%M}–{work_end:%H:%M}).",
    ),
    QT_TRANSLATE_NOOP("dispatcher", "{text!r} has fractions of a kopeck."),
    QT_TRANSLATE_NOOP("dispatcher", "{text!r} is not an amount of money."),
    QT_TRANSLATE_NOOP("dispatcher", "{text!r} is too large an amount."),
    QT_TRANSLATE_NOOP("dispatcher", "{text} is not a date (YYYY-MM-DD)."),
    QT_TRANSLATE_NOOP(
        "dispatcher", "{text} is not a date and time (YYYY-MM-DD HH:MM, Moscow time)."
    ),
    QT_TRANSLATE_NOOP(
        "dispatcher", "{word!r} is not a day of the week: use mon, tue, wed, thu, fri, sat, sun."
    ),
)
