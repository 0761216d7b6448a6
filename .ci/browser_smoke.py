"""Browser smoke test: every demo account signs in on the real page in headless
Chromium and sees its own home page; /health names the database.

Usage: browser_smoke.py BASE_URL EXPECTED_DATABASE   (password from SECOR_DEMO_PASSWORD)
"""
import json
import os
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE, DATABASE = sys.argv[1], sys.argv[2]
PASSWORD = os.environ["SECOR_DEMO_PASSWORD"]

# What each home page must show: the person's name and something only their role sees.
HOMES = {
    "esc-admin@secor.test": ["Erin Cho", "Employers in your program", "Northern Rig Services Ltd."],
    "esc-qa@secor.test": ["Quinn Abara", "QA reviewer"],
    "acsa-admin@secor.test": ["Avery Singh", "Prairie Roofing Co."],
    "acsa-qa@secor.test": ["Morgan Lee", "Prairie Roofing Co."],
    "auditor@secor.test": ["Dana Whitford", "External auditor certified by"],
    "owner@secor.test": ["Sam Okafor", "Northern Rig Services Ltd."],
    "supervisor@secor.test": ["Jordan Tremblay", "Supervisor"],
    "worker@secor.test": ["Riley Nguyen", "Worker"],
    "owner2@secor.test": ["Casey Moreau", "Prairie Roofing Co."],
    "contractor@secor.test": ["Watch list", "Northern Rig (rig crews)", "No listed certificate"],
}


def main() -> int:
    health = json.load(urllib.request.urlopen(f"{BASE}/health"))
    assert health == {"status": "ok", "database": DATABASE}, health

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844"):
        options.add_argument(arg)
    # Debian's chromium and its driver: no download by selenium-manager (no internet in CI).
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    wait = WebDriverWait(driver, 10)
    failures = []
    try:
        for email, texts in HOMES.items():
            driver.delete_all_cookies()
            driver.get(f"{BASE}/sign-in")
            driver.find_element(By.ID, "email").send_keys(email)
            driver.find_element(By.ID, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
            wait.until(EC.url_changes(f"{BASE}/sign-in"))
            wait.until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
            body = driver.find_element(By.TAG_NAME, "body").text
            missing = [t for t in texts if t not in body]
            # A contractor's home is its watch list (V3).
            home = "/watch" if email.startswith("contractor") else "/home"
            if not driver.current_url.endswith(home) or missing:
                failures.append(f"{email}: at {driver.current_url}, missing {missing}")
            else:
                print(f"ok  {email}")
            # Sign out through the page's own form; on a phone it is under the "Menu" button.
            toggle = driver.find_elements(By.CSS_SELECTOR, "[data-menu-toggle]")
            if toggle and toggle[0].is_displayed():
                toggle[0].click()
                wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").is_displayed())
            driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
            wait.until(EC.url_contains("/sign-in"))
            if "/sign-in" not in driver.current_url:
                failures.append(f"{email}: sign-out went to {driver.current_url}")
    finally:
        driver.quit()
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
