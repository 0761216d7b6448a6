"""Screenshots of the sign-in page and each demo role's home, at phone (390 px) and
desk (1280 px) widths, into ./shots/. Needs a running server and the demo password.

Usage: SECOR_DEMO_PASSWORD=... python3 scripts/screenshots.py [BASE_URL]
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
PASSWORD = os.environ["SECOR_DEMO_PASSWORD"]
ACCOUNTS = ["esc-admin", "esc-qa", "auditor", "owner", "supervisor", "worker", "owner2"]
# Pages beyond home, per account: name -> path ("{org}" is the user's own employer).
PAGES = {
    "owner": {"company": "{org}", "people": "{org}/people", "training": "{org}/training",
              "matrix": "{org}/matrix", "assessor": "{org}/assessor", "readiness": "{org}/readiness",
              "records": "{org}/records", "accounts": "/users"},
    "supervisor": {"flha-form": "{org}/records/new/flha", "toolbox-form": "{org}/records/new/toolboxTalk", "accounts": "/users"},
    "esc-admin": {"employers": "/partner/employers", "applications": "/partner/applications",
                  "auditors": "/partner/auditors", "accounts": "/users"},
}
os.makedirs("shots", exist_ok=True)

for width, height in ((390, 844), (1280, 900)):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    wait = WebDriverWait(driver, 10)
    driver.set_window_size(width, height)  # headless Chromium ignores a window narrower than 500 px at start
    try:
        driver.get(f"{BASE}/sign-in")
        driver.save_screenshot(f"shots/sign-in-{width}.png")
        for account in ACCOUNTS:
            driver.delete_all_cookies()
            driver.get(f"{BASE}/sign-in")
            driver.find_element(By.ID, "email").send_keys(f"{account}@secor.test")
            driver.find_element(By.ID, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button").click()
            wait.until(EC.url_contains("/home"))
            # Full page height, so nothing below the fold is missed.
            total = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(width, max(height, total + 100))
            driver.save_screenshot(f"shots/home-{account}-{width}.png")
            driver.set_window_size(width, height)
            org = next((a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")
                        if a.text == "Company"), "")
            for name, path in PAGES.get(account, {}).items():
                driver.get(path.replace("{org}", org) if path.startswith("{org}") else f"{BASE}{path}")
                total = driver.execute_script("return document.body.scrollHeight")
                driver.set_window_size(width, max(height, total + 100))
                driver.save_screenshot(f"shots/{name}-{account}-{width}.png")
                driver.set_window_size(width, height)
        print("screenshots in shots/")
    finally:
        driver.quit()
