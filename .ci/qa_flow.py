"""Browser acceptance of QA: run after audit_flow.py, which leaves an audit submitted.
The demo QA reviewer sends it back with one actionable deficiency; the auditor corrects,
both sign again and it is resubmitted; the reviewer passes it; the certificate appears
for the employer with its expiry 3 years after the last day on site; the report PDF
downloads by its 9-digit number and reads correctly (pdftotext and pdftoppm).

Usage: qa_flow.py BASE_URL   (demo password in SECOR_DEMO_PASSWORD)
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

from flow import Flow

BASE = sys.argv[1]
PASSWORD = os.environ["SECOR_DEMO_PASSWORD"]
SHOTS = os.environ.get("SECOR_SHOTS")
TODAY = datetime.datetime.now(ZoneInfo("America/Edmonton")).date()
try:
    EXPIRY = TODAY.replace(year=TODAY.year + 3)
except ValueError:  # 29 February: C2 lands on 28 February
    EXPIRY = TODAY.replace(year=TODAY.year + 3, day=28)

flow = Flow(BASE, width=1280, height=900)
driver, fill, click_and_wait, submit, body, check = flow.driver, flow.fill, flow.click_and_wait, flow.submit, flow.body, flow.check


def sign_in(email):
    flow.sign_in(email, PASSWORD)


def shot(name):
    if SHOTS:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(height, 6000))
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-1280.png"))
        driver.set_window_size(1280, 900)


try:
    sign_in("esc-qa@secor.test")
    driver.get(f"{BASE}/qa")
    links = driver.find_elements(By.CSS_SELECTOR, "table a")
    check(len(links) >= 1, "the QA reviewer sees the submitted audit in the queue")
    number = links[0].text
    click_and_wait(links[0])
    qa = driver.current_url
    audit = qa.rsplit("/qa", 1)[0]
    for radio in driver.find_elements(By.CSS_SELECTOR, "input[type=radio][value=met]"):
        driver.execute_script("arguments[0].click()", radio)
    driver.find_element(By.CSS_SELECTOR, "input[name='rp_2.2']").send_keys("8")
    driver.find_element(By.ID, "newDeficiency").send_keys("The safety policy on file is not dated.")
    submit(audit.replace(BASE, "") + "/qa")
    check("Actionable" in body() and "The safety policy on file is not dated." in body(), "the reviewer records an actionable deficiency and a score of their own")
    shot("qa-form")
    fill("message", "Date the policy and show it in question 1.1.")
    submit(audit.replace(BASE, "") + "/qa/decision", "sendBack")
    check("Sent back for corrections" in body() and "D4" in body(), "the reviewer sends it back; the D4 and D5 clocks show")

    # The auditor corrects question 1.1, signs again with the employer, resubmits.
    sign_in("auditor@secor.test")
    driver.get(audit + "/questions/1.1")
    radio = driver.find_element(By.CSS_SELECTOR, "input[name=answer][value=yes]")
    driver.execute_script("arguments[0].click()", radio)
    fill("notes", "Policy version 4 now dated and signed by the owner on the day of the audit; posted in the shop.")
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[action$='/questions/1.1'] button[type=submit]"))
    driver.get(audit + "/check")
    submit(audit.replace(BASE, "") + "/sign", "auditor")
    sign_in("owner@secor.test")
    driver.get(audit + "/check")
    submit(audit.replace(BASE, "") + "/sign", "employer")
    sign_in("auditor@secor.test")
    driver.get(audit + "/check")
    submit(audit.replace(BASE, "") + "/submit")
    check("In QA review" in body() or "Submitted" in body(), "the auditor resubmits the corrected report")

    # The reviewer compares the revisions, clears the deficiency and passes it.
    sign_in("esc-qa@secor.test")
    driver.get(qa)
    click_and_wait([a for a in driver.find_elements(By.CSS_SELECTOR, "a") if a.text.startswith("Compare this revision")][0])
    check("Revision 1 against revision 2" in body() and "question(s) changed" in body(), "the reviewer compares revision 1 with revision 2")
    shot("qa-compare")
    driver.get(qa)
    driver.execute_script("arguments[0].click()", driver.find_element(By.CSS_SELECTOR, "input[name=remove_0]"))
    submit(audit.replace(BASE, "") + "/qa")
    submit(audit.replace(BASE, "") + "/qa/decision", "pass")
    check("Passed QA" in body(), "the reviewer passes it")

    # The employer sees its certificate, expiring 3 years after the last day on site.
    sign_in("owner@secor.test")
    driver.get(f"{BASE}/audits")
    expiry = f"{EXPIRY.day} {EXPIRY.strftime('%B')} {EXPIRY.year}"
    check(f"valid until {expiry}" in body(), f"the certificate appears for the employer, valid until {expiry}")
    driver.get(audit + "/print/certificate")
    shot("certificate")

    # Issue 20, the scan path: the QR code printed on the certificate PDF opens its public
    # verification page, signed out, on a phone.
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(f"{audit}/print/certificate.pdf", headers={"Cookie": cookies})
    scan = tempfile.mkdtemp()
    with urllib.request.urlopen(request, timeout=120) as response, open(os.path.join(scan, "certificate.pdf"), "wb") as f:
        f.write(response.read())
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", os.path.join(scan, "certificate.pdf"), os.path.join(scan, "page")], check=True)
    page = sorted(p for p in os.listdir(scan) if p.endswith(".png"))[0]
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", os.path.join(scan, page)], capture_output=True, text=True).stdout.strip()
    check("/verify/" in decoded, f"the certificate PDF's QR code holds its verification address ({decoded})")
    driver.delete_all_cookies()  # signed out, as anyone who scans it
    driver.set_window_size(390, 844)
    driver.get(decoded.replace(decoded.split("/verify/")[0], BASE))
    check("Northern Rig Services Ltd." in body() and "Active" in body() and "Energy Safety Canada" in body()
          and "points" not in body(), "signed out, at 390 px, the scanned address shows the certificate's public facts")
    shot("verify-390")
    driver.set_window_size(1280, 900)

    # Issue 20, V3: the prime contractor watches the new certificate by its number, on a
    # phone, and reads the list's CSV; its webhook refuses a local address.
    certificate_number = decoded.rsplit("/verify/", 1)[1]
    sign_in("contractor@secor.test")
    driver.set_window_size(390, 844)
    driver.get(f"{BASE}/watch")
    check("Northern Rig (rig crews)" in body() and "Active" in body(),
          "the contractor's watch list shows Northern Rig, watched by WCB account, as active now that it is certified")
    fill("value", certificate_number.lower())
    fill("label", "Rig crew for the Leduc job")
    submit("/watch")
    check("Watching Northern Rig Services Ltd." in body() and certificate_number in body(), "a certificate number typed in lower case is watched")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 390, f"the watch list fits a phone ({width} px)")
    shot("watch-390")
    driver.set_window_size(1280, 900)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(f"{BASE}/watch.csv", headers={"Cookie": cookies})) as response:
        csv_text = response.read().decode()
    check(csv_text.startswith("Your name for them,") and f"Rig crew for the Leduc job,Certificate,{certificate_number}" in csv_text
          and ",active," in csv_text, "the watch list's CSV holds today's states")
    driver.get(f"{BASE}/watch/webhook")
    fill("url", "https://127.0.0.1/hook")
    submit("/watch/webhook")
    check("local or private address" in body(), "the webhook refuses a local address, naming it")

    # The auditor downloads the report by its number.
    sign_in("auditor@secor.test")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(f"{BASE}/reports/{number}.pdf", headers={"Cookie": cookies})
    with urllib.request.urlopen(request) as response:
        pdf = response.read()
        check(response.headers.get("Content-Type") == "application/pdf" and pdf.startswith(b"%PDF"), f"the report PDF downloads by number {number}")
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "report.pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    check(number in text and "Northern Rig Services Ltd." in text and "Passed QA" in text and "1.1" in text and "Action plan" in text,
          "the PDF reads correctly: number, employer, QA outcome, questions, action plan")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", path, os.path.join(SHOTS or folder, "report-pdf")], check=True)
    check(True, "its first pages render as images (pdftoppm)")
finally:
    driver.quit()
