"""Browser acceptance of the employers issue, as a newcomer would do it in Chromium:
apply as an employer, be approved by the partner admin, add 8 people and their
training, see the employer become eligible; add people until there are 11 and see it
become ineligible with the date and the reason.

Usage: employer_flow.py BASE_URL   (the demo's partner admin password in SECOR_DEMO_PASSWORD)
"""
import datetime
import os
import sys
import tempfile
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from flow import Flow

BASE = sys.argv[1]
ADMIN_PASSWORD = os.environ["SECOR_DEMO_PASSWORD"]
EMAIL = f"flow-{datetime.datetime.now().strftime('%H%M%S%f')}@example.test"
PASSWORD = "a long flow password"
TODAY = datetime.datetime.now(ZoneInfo("America/Edmonton")).date()  # the program's calendar day
YEARS_AGO = (TODAY - datetime.timedelta(days=800)).isoformat()

flow = Flow(BASE, width=390, height=844, timeout=10)
driver, wait, fill, submit, click_and_wait, sign_in, body, check = (
    flow.driver, flow.wait, flow.fill, flow.submit, flow.click_and_wait, flow.sign_in, flow.body, flow.check)


try:
    # 1. Apply online.
    driver.get(f"{BASE}/apply")
    Select(driver.find_element(By.ID, "programId")).select_by_value("esc")
    fill("legalName", "Flow Test Oilfield Ltd.")
    fill("address", "5 Industrial Rd, Grande Prairie AB")
    fill("contactName", "Flo Owner")
    fill("phone", "780-555-0199")
    fill("email", EMAIL)
    fill("password", PASSWORD)
    fill("wcb0n", str(4_000_000 + datetime.datetime.now().microsecond))  # a WCB account is enrolled once
    fill("wcb0c", "06103")
    submit("/apply")
    check("waiting for ESC's review" in body(), "applied; the application is pending")

    # 2. The partner admin approves it.
    sign_in("esc-admin@secor.test", ADMIN_PASSWORD)
    driver.get(f"{BASE}/partner/applications")
    card = [c for c in driver.find_elements(By.CSS_SELECTOR, "section.card") if "Flow Test Oilfield Ltd." in c.text][0]
    click_and_wait(card.find_element(By.CSS_SELECTOR, "button[value=approve]"))
    check("Flow Test Oilfield Ltd." not in body(), "approved by the partner admin")

    # 3. The owner is told, and adds 8 people.
    sign_in(EMAIL, PASSWORD)
    flow.menu()  # on a phone the bell is under "Menu"
    check("Notifications 1" in body() or "Notifications\n1" in body(), "the employer is told (1 unread notification)")
    company = flow.nav_link("Company").get_attribute("href")
    people = f"{company}/people"
    for i in range(8):
        driver.get(people)
        fill("name", "Flo Owner" if i == 0 else f"Crew Member {i}")
        Select(driver.find_element(By.ID, "category")).select_by_value("owner" if i == 0 else "worker")
        fill("jobRole", "Owner" if i == 0 else "Operator")
        fill("startDate", YEARS_AGO)
        submit(people.replace(BASE, ""))
    check("8 today" in body(), "8 people on the roster")

    # 4. Training: Safety Program Development for the owner, with its certificate.
    driver.get(f"{company}/training")
    Select(driver.find_element(By.ID, "personId")).select_by_visible_text("Flo Owner")
    Select(driver.find_element(By.ID, "courseId")).select_by_value("spd")
    fill("completedOn", (TODAY - datetime.timedelta(days=150)).isoformat())
    fill("provider", "Energy Safety Canada")
    fill("certificateNumber", "SPD-4411")
    certificate = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
    certificate.write(b"%PDF-1.4\n% flow test certificate\n%%EOF\n")
    certificate.close()
    driver.find_element(By.ID, "certificateFile").send_keys(certificate.name)
    submit(f"{company}/training".replace(BASE, ""))
    check("Every program requirement is met" in body(), "training requirements met")
    # E5: the employer types in a toolbox talk from its paper records of four months ago.
    check(flow.backfill_toolbox_talk(company, (TODAY - datetime.timedelta(days=120)).isoformat()),
          "a toolbox talk of four months ago is recorded (E5 counts field records)")

    # 5. Eligible.
    driver.get(company)
    check("Eligible for SECOR." in body(), "the employer is eligible")

    # 6. People until there are 11: ineligible, with the date and the reason.
    for i in range(8, 11):
        driver.get(people)
        fill("name", f"Crew Member {i}")
        fill("startDate", TODAY.isoformat())
        submit(people.replace(BASE, ""))
    driver.get(company)
    text = body()
    day = f"{TODAY.day} {TODAY.strftime('%B')} {TODAY.year}"
    check("Not eligible" in text and "11 people were on the WCB account on" in text and "at most 10" in text,
          f"11 people: ineligible with the reason and the date ({day})")
finally:
    driver.quit()
