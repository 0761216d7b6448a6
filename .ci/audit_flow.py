"""Browser acceptance of the audits issue, as a newcomer would do it in Chromium: the
owner hires the demo auditor; the auditor registers an audit; the partner admin approves
it; the auditor answers every question of the sample protocol with records the tool
proposes, leaves one "no" without its recommendation and action item, fixes what the
pre-submission check lists, signs; the owner signs for the employer (S2); the auditor
submits within the deadline and the audit shows as submitted with its 9-digit number.

Issue 19: the registration carries the employee breakdown (proposed from the roster) and
takes the proposed sample; interview and observation questions are scored from rows the
auditor records on their sampling sheets; the customer copy PDF (read back with
pdftotext) holds no confidential note and no interviewee name, the auditor's copy does.

Usage: audit_flow.py BASE_URL   (demo password in SECOR_DEMO_PASSWORD)
"""
import datetime
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from flow import Flow

BASE = sys.argv[1]
PASSWORD = os.environ["SECOR_DEMO_PASSWORD"]
TODAY = datetime.datetime.now(ZoneInfo("America/Edmonton")).date().isoformat()
NOTES = "Reviewed the records of the last twelve months with the owner; each one signed and dated."
SHOTS = os.environ.get("SECOR_SHOTS")  # a folder: screenshots of the main pages

flow = Flow(BASE, width=1280, height=900)
driver, fill, click_and_wait, submit, body, check = flow.driver, flow.fill, flow.click_and_wait, flow.submit, flow.body, flow.check


def sign_in(email):
    flow.sign_in(email, PASSWORD)


def shot(name, width=1280):
    if not SHOTS:
        return
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height, 6000))
    driver.save_screenshot(os.path.join(SHOTS, f"{name}-{width}.png"))
    driver.set_window_size(1280, 900)


INTERVIEWEES = ["Zed Quillfeather", "Yara Moonwhistle", "Otto Brambleby", "Ines Featherstone", "Cato Wrenfield", "Lumi Oakhaven"]
CONFIDENTIAL = "Confidential: hesitated before answering"


def record_sheet_rows():
    """A sheet question: as many rows as the sample calls for (interviews) or two
    (observations), every one positive, each with who and a confidential note."""
    hint = driver.find_element(By.CSS_SELECTOR, "#sheet p.muted").text
    wanted = re.search(r"at least (\d+) interview", hint)
    rows = int(wanted.group(1)) if wanted else 2
    for n in range(rows):
        Select(driver.find_element(By.ID, "sheet-positive")).select_by_value("yes")
        fill("sheet-subject", INTERVIEWEES[n % len(INTERVIEWEES)])
        fill("sheet-note", f"{CONFIDENTIAL} ({question_id()}, row {n + 1})")
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "#sheet-form button[type=submit]"))
    score = driver.find_element(By.ID, "sheet-score").text
    check(f"{rows} of {rows}" in score and "/" in score, f"question {question_id()} scores from its {rows} sheet rows: {score}")


def answer_current_question(full=True):
    """Answers the question on screen: full marks (or a "no"), every method, the first
    records the tool proposes, notes that justify it."""
    radios = {r.get_attribute("value"): r for r in driver.find_elements(By.CSS_SELECTOR, "input[name=answer]")}
    if "sheet" in radios and not driver.find_elements(By.CSS_SELECTOR, "#sheet ul.sheet-rows li"):
        record_sheet_rows()
        radios = {r.get_attribute("value"): r for r in driver.find_elements(By.CSS_SELECTOR, "input[name=answer]")}
    if "yes" in radios:
        radios["yes" if full else "no"].click()
    elif "points" in radios:
        radios["points"].click()
        fill("points", driver.find_element(By.ID, "points").get_attribute("max"))
    elif "proportion" in radios:
        radios["proportion"].click()
        fill("positive", "3")
        fill("total", "3")
    elif "criteria" in radios:
        radios["criteria"].click()
        fill("found", driver.find_element(By.ID, "found").get_attribute("max"))
    for box in driver.find_elements(By.CSS_SELECTOR, "input[name='methods[]']"):
        if not box.is_selected():
            box.click()
    for box in driver.find_elements(By.CSS_SELECTOR, "input[name='documents[]']")[:2]:
        if not box.is_selected():
            driver.execute_script("arguments[0].click()", box)
    fill("notes", NOTES)
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[action$='/questions/" + question_id() + "'] button[type=submit]"))


def status():
    return driver.find_element(By.ID, "autosave-status").text


def wait_status(text):
    flow.wait.until(lambda d: text in d.find_element(By.ID, "autosave-status").text)


def keystrokes_survive(email):
    """Issue 17: the audit tool keeps every keystroke. On the question on screen: typed
    work autosaves; typed offline it waits on the device and is saved when the network
    returns; typed after the session ended it is restored and saved after signing in
    again; "Add to the action plan" keeps the answer and notes typed with it; raising
    the question to full marks asks whether to drop the recommendation and action item."""
    here = driver.current_url.split("#")[0].split("?")[0]
    driver.find_element(By.CSS_SELECTOR, "input[name=answer][value=no]").click()
    driver.find_element(By.ID, "notes").send_keys("No dated policy on file.")
    wait_status("Saved at")
    check("1 of" in driver.find_element(By.ID, "progress").text, "the answer autosaves and the progress counts it")
    driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    driver.find_element(By.ID, "recommendation").send_keys("Date and sign the policy.")
    wait_status("No connection")
    driver.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
    driver.execute_script("window.dispatchEvent(new Event('online'))")
    wait_status("Saved at")
    driver.get(here)
    check(driver.find_element(By.ID, "recommendation").get_attribute("value") == "Date and sign the policy.",
          "what was typed with the network cut is saved when it returns")
    driver.delete_all_cookies()
    driver.find_element(By.ID, "notes").send_keys(" Owner showed a draft.")
    wait_status("signed out")
    sign_in(email)
    driver.get(here)
    wait_status("Saved at")
    driver.get(here)
    check(driver.find_element(By.ID, "notes").get_attribute("value") == "No dated policy on file. Owner showed a draft.",
          "what was typed after the session ended is restored and saved after signing in again")
    driver.find_element(By.ID, "notes").send_keys(" Typed with the action item.")
    fill("action", "Date and sign the health and safety policy")
    fill("owner", "Sam Okafor")
    fill("targetOn", TODAY)
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "button[name=intent][value=addItem]"))
    check(driver.find_element(By.ID, "notes").get_attribute("value").endswith("Typed with the action item.")
          and len(driver.find_elements(By.CSS_SELECTOR, "#action-items li")) == 1,
          "adding to the action plan keeps the answer and notes typed with it")
    driver.get(f"{BASE}/audits")
    driver.get(here)
    check(driver.find_element(By.ID, "notes").get_attribute("value").endswith("Typed with the action item.")
          and driver.find_element(By.CSS_SELECTOR, "input[name=answer][value=no]").is_selected(),
          "leaving and coming back, nothing is lost")
    driver.find_element(By.CSS_SELECTOR, "input[name=answer][value=yes]").click()
    flow.wait.until(lambda d: d.find_element(By.ID, "full-marks").is_displayed())
    shot("audit-question-full-marks", 390)
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "#full-marks button.danger"))
    check(driver.find_element(By.ID, "recommendation").get_attribute("value") == ""
          and not driver.find_elements(By.CSS_SELECTOR, "#action-items li"),
          "raised to full marks, it asks and drops the recommendation and action item")


def question_id():
    return driver.current_url.rstrip("/").split("/questions/")[1].split("#")[0]


try:
    # The owner hires the demo auditor (the employer designates its auditor).
    sign_in("owner@secor.test")
    company = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a") if a.text == "Company"][0]
    driver.get(f"{company}/assessor")
    select = Select(driver.find_element(By.ID, "assessor"))
    select.select_by_visible_text([o.text for o in select.options if "Dana Whitford" in o.text][0])
    submit(company.replace(BASE, "") + "/assessor")
    check("Dana Whitford" in body(), "the owner designates the demo auditor")

    # The auditor registers the audit.
    sign_in("auditor@secor.test")
    driver.get(f"{BASE}/audits")
    click_and_wait([a for a in driver.find_elements(By.CSS_SELECTOR, "a") if a.text.startswith("Register an audit of Northern Rig")][0])
    shot("audit-register")
    shot("audit-register", 390)
    fill("plannedStart", TODAY)
    fill("worksites", "Pad 14-22-047-09W5\nDrayton Valley shop")
    roster = {role: driver.find_element(By.ID, f"employees_{role}").get_attribute("value") for role in ("owner", "supervisor", "worker")}
    check(roster["owner"] == "1" and int(roster["worker"] or 0) > 0, f"the breakdown is proposed from the roster ({roster})")
    proposal = re.search(r"proposes at least (\d+) interview", body())
    check(proposal is not None, "the form proposes the sample from the sampling rule")
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[action$='/audits/new'] button[type=submit]"))
    check("Waiting for approval" in body(), "the auditor registers an audit; it waits for approval")
    check(f"{proposal.group(1)} interview(s) planned (the sampling rule calls for at least {proposal.group(1)})" in body()
          and "2 of 2 worksite(s) to visit" in body(), "the audit takes the proposed sample")
    audit = driver.current_url

    # The partner admin approves it: a 9-digit number.
    sign_in("esc-admin@secor.test")
    driver.get(audit)
    submit(audit.replace(BASE, "") + "/decision", "approve")
    number = re.search(r"Audit number\s+(\d{9})", body())
    check(number is not None, "the partner admin approves it and it gets a 9-digit number")
    number = number.group(1)

    # The auditor answers every question; question 1.4 is a "no" with nothing else.
    sign_in("auditor@secor.test")
    driver.get(audit)
    first = driver.find_element(By.CSS_SELECTOR, "ul.questions li a")
    click_and_wait(first)
    shot("audit-question")
    shot("audit-question", 390)
    check(driver.find_elements(By.CSS_SELECTOR, "input[name=answer][value=no]"), "the first question is answered yes or no")
    keystrokes_survive("auditor@secor.test")
    answered = 0
    while "/questions/" in driver.current_url:
        answer_current_question(full=question_id() != "1.4")
        answered += 1
    check(answered >= 25 and "not answered" not in body(), f"the auditor answers all {answered} questions with proposed records")

    # Report details and the summary.
    driver.get(audit + "/report")
    fill("assessorPhone", "403-555-0100")
    fill("employerProfile", "Well servicing and produced-water hauling around Drayton Valley; three trucks and a shop.")
    fill("dataGatheringEnd", TODAY)
    fill("lastDayOnSite", TODAY)
    fill("strengths", "FLHAs are site-specific and signed by the crew\nPre-start defects are followed to verified repairs")
    fill("recommendations", "Report near misses\nKeep toolbox topics varied")
    submit(audit.replace(BASE, "") + "/report")
    check("Pre-submission check" in body(), "the report details are saved")
    shot("audit-check")

    # Fix what the check lists, following its links.
    findings = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ol.findings li")]
    check(any(f.startswith("A5") for f in findings) and any(f.startswith("A6") for f in findings),
          f"the check lists the missing recommendation and action item ({len(findings)} findings)")
    for rule in ("A5", "A6"):
        link = [li for li in driver.find_elements(By.CSS_SELECTOR, "ol.findings li") if li.text.startswith(rule)][0]
        click_and_wait(link.find_element(By.TAG_NAME, "a"))
        if rule == "A5":
            fill("recommendation", "Write this year's safety goals and review them each quarter.")
            answer_current_question(full=False)
        else:
            fill("action", "Write the 2027 safety goals and post them in the shop")
            fill("owner", "Sam Okafor")
            fill("targetOn", TODAY)
            click_and_wait(driver.find_element(By.CSS_SELECTOR, "button[name=intent][value=addItem]"))
        driver.get(audit + "/check")
    remaining = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ol.findings li")]
    check(remaining == [], f"nothing left on the check ({remaining})")

    # Sign-offs: the auditor, then the employer's representative (S2).
    submit(audit.replace(BASE, "") + "/sign", "auditor")
    check("signed by Dana Whitford" in body(), "the auditor signs")
    sign_in("owner@secor.test")
    driver.get(audit + "/check")
    submit(audit.replace(BASE, "") + "/sign", "employer")
    check("signed by Sam Okafor" in body(), "the owner signs for the employer")

    # Submission.
    sign_in("auditor@secor.test")
    driver.get(audit + "/check")
    submit(audit.replace(BASE, "") + "/submit")
    check("Submitted" in body() and number in body(), f"the audit shows as submitted with its number {number}")
    driver.get(f"{BASE}/audits/find?number={number}")
    check(driver.current_url == audit, "the auditor finds it by its number in the portal")
    driver.get(f"{BASE}/audits")
    shot("audit-portal")

    # The customer copy leaves the sampling sheets' notes and names out; the auditor's copy keeps them.
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())

    def pdf_text(document):
        request = urllib.request.Request(f"{audit}/print/{document}.pdf", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=120) as answer, tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(answer.read())
            pdf.flush()
            return subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True).stdout

    full, copy = pdf_text("report"), pdf_text("customer-copy")
    # Word by word: a table cell may wrap a name or a note over two lines.
    surnames = [name.split()[-1] for name in INTERVIEWEES]
    check("hesitated" in full and surnames[0] in full, "the auditor's report PDF holds the sampling sheets")
    leaked = [name for name in surnames if name in copy] + (["hesitated"] if "hesitated" in copy.lower() else [])
    check("Customer copy" in copy and not leaked, f"the customer copy PDF holds no confidential note and no interviewee name ({leaked})")
finally:
    driver.quit()
