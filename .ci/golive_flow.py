"""Browser acceptance of going live from an empty database: the setup page; the first
partner administrator made by `secor partner add` sets a password from the printed link;
an employer applies and is approved; the owner puts the crew on the roster (himself with
"This person is me"), invites a supervisor by email and a worker by QR code; the worker
opens the invitation on a phone, is refused a common password, records an FLHA; the
owner records training, designates himself assessor and registers an audit; last, the
owner deactivates the worker, whose session ends and who can no longer sign in.

Usage: golive_flow.py BASE_URL
  SECOR_BIN       the secor executable, run against the server's database
  SECOR_DATA_DIR  or DATABASE_URL: the server's database (the same as the server's)
  SHOTS_DIR       optional: a folder for screenshots at 390 and 1280 px
The server runs without --demo on an empty database.
"""
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from flow import Flow

BASE = sys.argv[1].rstrip("/")
SECOR_BIN = os.path.abspath(os.environ["SECOR_BIN"])
if not (os.environ.get("SECOR_DATA_DIR") or os.environ.get("DATABASE_URL")):
    sys.exit("golive_flow.py: set SECOR_DATA_DIR or DATABASE_URL to the server's database")
SHOTS = os.environ.get("SHOTS_DIR")
UNIQUE = datetime.datetime.now().strftime("%H%M%S%f")
TODAY = datetime.datetime.now(ZoneInfo("America/Edmonton")).date()  # the program's calendar day
LONG_AGO = (TODAY - datetime.timedelta(days=800)).isoformat()

PARTNER = f"Go-Live Safety Partner {UNIQUE}"
ADMIN_EMAIL = f"admin-{UNIQUE}@golive.test"
ADMIN_PASSWORD = "first admin chooses this"
COMPANY = f"Go-Live Hauling {UNIQUE} Ltd."
OWNER, OWNER_EMAIL, OWNER_PASSWORD = "Gail Owner", f"owner-{UNIQUE}@golive.test", "owner password on the phone"
SUPERVISOR, SUPERVISOR_EMAIL = "Sid Supervisor", f"supervisor-{UNIQUE}@golive.test"
WORKER, WORKER_EMAIL, WORKER_PASSWORD = "Wren Worker", f"worker-{UNIQUE}@golive.test", "my crew password 2026"
COMMON_PASSWORD = "qwerty123456"  # on the 10,000 most common passwords list
TASK = f"Go-live test task {UNIQUE}"

flow = Flow(BASE, width=1280, height=900)
driver, fill, submit, click_and_wait, body = flow.driver, flow.fill, flow.submit, flow.click_and_wait, flow.body
phone = None  # the worker's phone: a second browser with its own cookies


def check(condition, message, on=None):
    (on or flow).check(condition, message)


def shot(name, f=None):
    """Screenshots of the page on screen at 390 and 1280 px (into SHOTS_DIR, when set)."""
    if not SHOTS:
        return
    f = f or flow
    d = f.driver
    size = d.get_window_size()
    for width in (390, 1280):
        d.set_window_size(width, 900)
        height = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(width, min(max(height, 900), 6000))
        d.execute_script("window.scrollTo(0, 0)")
        d.save_screenshot(os.path.join(SHOTS, f"golive-{name}-{width}.png"))
    d.set_window_size(size["width"], size["height"])


def fits_phone(what, f=None):
    """At 390 px nothing sticks out sideways (tables scroll inside their card)."""
    f = f or flow
    d = f.driver
    width = d.execute_script("return window.innerWidth")
    wide = d.execute_script("return document.documentElement.scrollWidth")
    culprits = [] if wide <= width else d.execute_script("""
        return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))""")
    check(wide <= width, f"{what} fits a {width} px phone (page {wide} px wide{', ' + ', '.join(culprits) if culprits else ''})", on=f)


def status_of(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def company_link(f=None):
    return (f or flow).nav_link("Company").get_attribute("href")  # under "Menu" on a phone


def error_text(f=None):
    """The form's refusal: the server's (#form-error), or the phone's own check of a record form (#js-errors)."""
    d = (f or flow).driver
    return " ".join(e.text for e in d.find_elements(By.ID, "form-error") + d.find_elements(By.ID, "js-errors"))


def add_person(people, name, category, job_role, familiar=False, is_me=False):
    driver.get(people)
    fill("name", name)
    Select(driver.find_element(By.ID, "category")).select_by_value(category)
    fill("jobRole", job_role)
    fill("startDate", LONG_AGO)
    if familiar:
        box = driver.find_element(By.CSS_SELECTOR, "input[name=familiarWithOperation]")
        if not box.is_selected():
            driver.execute_script("arguments[0].click()", box)
    if is_me:
        boxes = driver.find_elements(By.CSS_SELECTOR, "input[name=isMe]")
        check(len(boxes) == 1, "the add form offers \"This person is me\"")
        driver.execute_script("arguments[0].click()", boxes[0])
    submit(people.replace(BASE, ""))
    check(error_text() == "" and name in body(), f"{name} ({category}) is on the roster")


def invite(person, role, email):
    """Makes an invitation on /users; returns (link, QR code img or None)."""
    driver.get(f"{BASE}/users")
    select = Select(driver.find_element(By.ID, "personId"))
    options = [o.text for o in select.options if o.text.startswith(person)]
    check(len(options) == 1, f"{person} can be invited (options: {[o.text for o in select.options]})")
    select.select_by_visible_text(options[0])
    Select(driver.find_element(By.ID, "role")).select_by_value(role)
    fill("email", email)
    submit("/users/invitations")
    links = driver.find_elements(By.ID, "invitation-link")
    check(error_text() == "" and len(links) == 1, f"the owner invites {person} as {role}" + (f" ({email})" if email else " (no email)"))
    link = links[0].get_attribute("value")
    check(link.startswith(f"{BASE}/invitations/"), f"the invitation link starts with SECOR_PUBLIC_URL ({link[:len(BASE) + 14]}...)")
    qr = driver.find_elements(By.ID, "invitation-qr")
    return link, (qr[0] if qr else None)


def decode_qr(img):
    """The text of the QR code on screen, read by zbarimg from a screenshot of it."""
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "qr.png")
    driver.execute_script("arguments[0].scrollIntoView()", img)
    img.screenshot(path)
    result = subprocess.run(["zbarimg", "-q", "--raw", path], capture_output=True, text=True)
    shutil.rmtree(folder, ignore_errors=True)
    return result.stdout.strip()


try:
    # 1. An empty installation: the setup page says what to do.
    driver.get(f"{BASE}/sign-in")
    h1 = driver.find_element(By.TAG_NAME, "h1").text
    check(h1 == "Set up SECOR" and "secor partner add" in body(), "an empty database shows the setup page naming `secor partner add`")
    shot("setup")
    driver.set_window_size(390, 844)
    fits_phone("the setup page")
    driver.set_window_size(1280, 900)

    # 2. The first partner and its administrator, from the command line.
    command = [SECOR_BIN, "partner", "add", "--profile", "esc", "--name", PARTNER, "--admin-email", ADMIN_EMAIL]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, "SECOR_PUBLIC_URL": BASE})
    printed = [line for line in result.stdout.splitlines() if line.startswith("Set-password link: ")]
    if result.returncode != 0 or not printed:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
    check(result.returncode == 0 and len(printed) == 1, "secor partner add prints a set-password link")
    admin_link = printed[0].removeprefix("Set-password link: ").strip()
    check(admin_link.startswith(f"{BASE}/invitations/"), f"the link starts with SECOR_PUBLIC_URL ({admin_link[:len(BASE) + 14]}...)")

    # 3. The administrator sets a password and is signed in; the link then stops working.
    driver.get(admin_link)
    token = admin_link.rsplit("/", 1)[1]
    email_field = driver.find_element(By.ID, "email")
    check(driver.current_url == admin_link and email_field.get_attribute("readonly") is not None
          and email_field.get_attribute("value") == ADMIN_EMAIL, "the link opens the invitation page; the email is read-only")
    fill("name", "Pat Partner-Admin")
    fill("password", ADMIN_PASSWORD)
    fill("confirmPassword", ADMIN_PASSWORD)
    submit(f"/invitations/{token}")
    check("/home" in driver.current_url and "Partner administrator" in body() and PARTNER in body(),
          "the administrator chose a password and is signed in as partner administrator")
    status, page = status_of(admin_link)
    driver.get(admin_link)
    check(status == 410 and "used" in body(), f"the link used once answers 410, saying it was used (HTTP {status})")

    # 4. Signed out; on a phone, an employer applies from the sign-in page.
    driver.get(f"{BASE}/home")
    submit("/sign-out")
    check(driver.current_url == f"{BASE}/sign-in", "the administrator signs out")
    driver.delete_all_cookies()
    driver.set_window_size(390, 844)
    driver.get(f"{BASE}/sign-in")
    check(driver.find_element(By.TAG_NAME, "h1").text == "Sign in", "with a partner, /sign-in is the sign-in page")
    fits_phone("the sign-in page")
    click_and_wait(driver.find_element(By.ID, "apply-link"))
    check(driver.current_url.endswith("/apply"), "the sign-in page links to /apply")
    fits_phone("the application form")
    Select(driver.find_element(By.ID, "programId")).select_by_value("esc")
    fill("legalName", COMPANY)
    fill("address", "7 Yard Rd, Whitecourt AB")
    fill("contactName", OWNER)
    fill("phone", "780-555-0142")
    fill("email", OWNER_EMAIL)
    fill("password", OWNER_PASSWORD)
    fill("wcb0n", str(5_000_000 + int(UNIQUE[-6:])))
    fill("wcb0c", "06103")
    submit("/apply")
    check("/home" in driver.current_url and "waiting for" in body() and driver.find_elements(By.ID, "next-steps"),
          "applied: /home says the application is waiting, with the next steps")
    fits_phone("the applicant's home")

    # 5. The administrator approves it.
    driver.set_window_size(1280, 900)
    flow.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    driver.get(f"{BASE}/partner/applications")
    cards = [c for c in driver.find_elements(By.CSS_SELECTOR, "section.card") if COMPANY in c.text]
    check(len(cards) == 1, "the application waits on /partner/applications")
    click_and_wait(cards[0].find_element(By.CSS_SELECTOR, "button[value=approve]"))
    check(COMPANY not in body(), "the administrator approves it")

    # 6. The owner puts the crew on the roster, himself first.
    driver.set_window_size(390, 844)
    flow.sign_in(OWNER_EMAIL, OWNER_PASSWORD)
    company = company_link()
    check(re.fullmatch(rf"{re.escape(BASE)}/employers/[0-9A-Fa-f-]{{36}}", company) is not None, f"the owner's Company link ({company})")
    people = f"{company}/people"
    add_person(people, OWNER, "owner", "Owner", familiar=True, is_me=True)
    fits_phone("the roster")
    check(not driver.find_elements(By.CSS_SELECTOR, "input[name=isMe]"), "once linked, the add form no longer offers \"This person is me\"")
    add_person(people, SUPERVISOR, "supervisor", "Crew lead")
    add_person(people, WORKER, "worker", "Swamper")
    check("3 today" in body(), "3 people on the roster")

    # 7. The owner invites the supervisor by email and the worker by QR code.
    driver.get(company)
    flow.menu()  # a phone: the navigation is under "Menu"
    click_and_wait(flow.nav_link("Accounts"))
    check(driver.current_url == f"{BASE}/users", "the owner's Accounts link opens /users")
    options = [o.text for o in Select(driver.find_element(By.ID, "personId")).options]
    check(not any(o.startswith(OWNER) for o in options), f"the owner, linked to the roster, is not offered an invitation ({options})")
    invite(SUPERVISOR, "supervisor", SUPERVISOR_EMAIL)
    check(SUPERVISOR_EMAIL in body(), "the page says the email is on its way to the supervisor")
    worker_link, qr = invite(WORKER, "worker", "")
    check(qr is not None and qr.get_attribute("src").startswith("data:image/svg+xml;base64,"),
          "the worker's invitation shows a QR code (an SVG data: URL; needs qrencode on the server)")
    shot("users-invitation")
    fits_phone("/users with the invitation")
    decoded = decode_qr(qr)
    check(decoded == worker_link, f"the QR code reads as the invitation link ({decoded[:len(BASE) + 14]}...)")

    # 8. The worker, on a phone with no cookies, opens the link.
    phone = Flow(BASE, width=390, height=844)
    phone.driver.get(worker_link)
    worker_token = worker_link.rsplit("/", 1)[1]
    name_field = phone.driver.find_element(By.ID, "name")
    email_field = phone.driver.find_element(By.ID, "email")
    check(name_field.get_attribute("value") == WORKER and email_field.get_attribute("required") is not None
          and email_field.get_attribute("readonly") is None and phone.driver.find_elements(By.ID, "confirmPassword"),
          "the worker's invitation page: name filled in, an email to give (the invitation had none), the password twice", on=phone)
    fits_phone("the invitation page", f=phone)
    shot("invitation", f=phone)
    phone.fill("email", WORKER_EMAIL)
    phone.fill("password", COMMON_PASSWORD)
    phone.fill("confirmPassword", COMMON_PASSWORD)
    phone.submit(f"/invitations/{worker_token}")
    check("common" in error_text(phone) and phone.driver.find_element(By.ID, "email").get_attribute("value") == WORKER_EMAIL,
          f"a common password is refused, saying why ({error_text(phone)!r}); the email is kept", on=phone)
    phone.fill("password", WORKER_PASSWORD)
    phone.fill("confirmPassword", WORKER_PASSWORD)
    phone.submit(f"/invitations/{worker_token}")
    check("/home" in phone.driver.current_url and WORKER in phone.body() and "Worker" in phone.body(),
          "the worker set a password and is signed in as worker", on=phone)
    fits_phone("the worker's home", f=phone)
    worker_company = company_link(phone)
    check(worker_company == company, "the worker's Company link is the employer", on=phone)

    phone.driver.get(f"{company}/records/new/flha")
    fits_phone("the FLHA form", f=phone)
    for field, value in (("site", "Pad 9-30-059-12W5"), ("location", "Tank farm"), ("task", TASK)):
        phone.fill(field, value)
    row = phone.driver.find_element(By.CSS_SELECTOR, "[data-rows='hazards'] [data-row]")
    row.find_element(By.CSS_SELECTOR, "[data-hazard]").send_keys("Slippery ground")
    row.find_element(By.CSS_SELECTOR, "[data-hazard] + input").send_keys("Sand the walkway and keep three points of contact")
    chips = [c for c in phone.driver.find_elements(By.CSS_SELECTOR, "label.chip") if c.get_attribute("textContent").strip() == WORKER]
    check(len(chips) == 1, "the FLHA form offers the worker, on the roster, to tick as present", on=phone)
    box = chips[0].find_element(By.TAG_NAME, "input")
    if not box.is_selected():  # a new FLHA may start with its author ticked
        phone.driver.execute_script("arguments[0].click()", box)
    # "Record and sign" where the form offers it; else Record, then Sign on the record's page.
    buttons = phone.driver.find_elements(By.CSS_SELECTOR, "form[data-offline] button[type=submit]")
    at_once = [b for b in buttons if b.get_attribute("name") == "signAsMe"]
    phone.click_and_wait((at_once or buttons)[0])
    check(error_text(phone) == "" and "/records/" in phone.driver.current_url and "/new/" not in phone.driver.current_url,
          "the worker records an FLHA online", on=phone)
    if not at_once:
        signs = [b for b in phone.driver.find_elements(By.CSS_SELECTOR, "section.sign button")
                 if b.text == "Sign: I was told these hazards and controls"]
        check(len(signs) == 1 and f"Still to sign: {WORKER}" in phone.body(), "the FLHA waits for the worker's signature; he may sign it", on=phone)
        phone.click_and_wait(signs[0])
    check("Everyone it names has signed version 1." in phone.body() and f"{WORKER} (" in phone.body()
          and "signed on their own account" in phone.body(),
          f"the worker signs it on his own account ({'Record and sign' if at_once else 'Record, then Sign'})", on=phone)
    phone.driver.get(f"{company}/records?q={UNIQUE}")
    found = phone.driver.find_elements(By.CSS_SELECTOR, "ul.plain li")
    check(len(found) == 1 and "Field-level hazard assessment" in found[0].text and TASK in found[0].text, f"the FLHA is on the employer's records ({len(found)} found)", on=phone)

    # 9. Training, the assessor, the audit.
    driver.get(f"{company}/training")
    Select(driver.find_element(By.ID, "personId")).select_by_visible_text(OWNER)
    Select(driver.find_element(By.ID, "courseId")).select_by_value("spd")
    fill("completedOn", (TODAY - datetime.timedelta(days=100)).isoformat())
    fill("provider", "Energy Safety Canada")
    fill("certificateNumber", f"SPD-{UNIQUE[-5:]}")
    submit(f"{company}/training".replace(BASE, ""))
    check(error_text() == "" and "Every program requirement is met" in body(), "the owner's Safety Program Development: training met")
    # E5: three months of field records before an evaluation; the owner types in a toolbox
    # talk from the paper records of four months ago.
    check(flow.backfill_toolbox_talk(company, (TODAY - datetime.timedelta(days=120)).isoformat()),
          "a toolbox talk of four months ago is recorded (E5 counts field records)")

    driver.get(f"{company}/assessor")
    select = Select(driver.find_element(By.ID, "assessor"))
    mine = [o for o in select.options if o.get_attribute("value").startswith("person:") and o.text.startswith(OWNER)]
    check(len(mine) == 1, f"the owner is offered as the assessor ({[o.text for o in select.options]})")
    select.select_by_value(mine[0].get_attribute("value"))
    submit(f"{company}/assessor".replace(BASE, ""))
    check(error_text() == "" and OWNER in body() and "not qualified" not in body() and "qualified" in body(),
          "the owner designates himself the assessor; qualified")
    flow.menu()  # who is signed in, and as what, shows under "Menu" on a phone
    check("Owner and assessor" in body(), "the owner's account is the assessor's (linked by \"This person is me\")")

    driver.get(f"{company}/audits/new")
    check(driver.find_elements(By.CSS_SELECTOR, f"form[action='{company.replace(BASE, '')}/audits/new']"),
          "the owner, as assessor, may register an audit (no 403)")
    fits_phone("the audit registration")
    fill("plannedStart", TODAY.isoformat())
    fill("worksites", "Pad 9-30-059-12W5\nWhitecourt yard")
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[action$='/audits/new'] button[type=submit]"))
    refusal = error_text()
    if refusal:
        print(refusal)
    check(refusal == "" and "/audits/" in driver.current_url and "Waiting for approval" in body() and COMPANY in body(),
          "the audit is registered; it waits for the partner's approval")

    # 10. The owner deactivates the worker: the session ends, the password no longer works.
    driver.get(f"{BASE}/users")
    fits_phone("/users")
    shot("users")
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr[id^=user-]") if WORKER in r.text]
    check(len(rows) == 1 and rows[0].find_element(By.CSS_SELECTOR, ".pill").text == "active", "the worker's account is on /users, active")
    user_id = rows[0].get_attribute("id").removeprefix("user-")
    rows[0].find_element(By.CSS_SELECTOR, "details.confirm summary").click()  # the page asks before it deactivates
    submit(f"/users/{user_id}/deactivate")
    row = driver.find_element(By.ID, f"user-{user_id}")
    check(row.find_element(By.CSS_SELECTOR, ".pill").text == "deactivated", "the owner deactivates the worker")

    phone.driver.get(f"{BASE}/home")
    check("/sign-in" in phone.driver.current_url, "the worker's phone: /home now goes to /sign-in (the session ended)", on=phone)
    phone.sign_in(WORKER_EMAIL, WORKER_PASSWORD)
    check("The email or password is not right." in phone.body(), "the deactivated worker cannot sign in", on=phone)

    phone.driver.get(f"{BASE}/password-reset")
    check(phone.driver.find_element(By.TAG_NAME, "h1").text == "Reset your password", "the password reset page", on=phone)
    fits_phone("the password reset page", f=phone)
    shot("password-reset", f=phone)
finally:
    for browser in ([phone.driver] if phone else []) + [driver]:
        try:
            browser.quit()
        except Exception:  # already closed by a failed check
            pass
