"""What every browser flow shares: one headless Chromium and the few steps a person
takes (fill a field, press a form's button and wait for the next page, sign in, check).
"""
import sys

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


class Flow:
    def __init__(self, base, width=390, height=844, timeout=15):
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        self.base = base
        self.driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        self.driver.set_window_size(width, height)
        self.wait = WebDriverWait(self.driver, timeout)

    def fill(self, field_id, value):
        element = self.driver.find_element(By.ID, field_id)
        if element.get_attribute("type") == "date":
            self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.clear()
            element.send_keys(value)

    def click_and_wait(self, button):
        """Clicks and waits for the next page, not the one still showing: the old page
        carries a marker the new one lacks (robust while Chromium is mid-navigation)."""
        self.driver.execute_script("window.__before = true")
        self.driver.execute_script("arguments[0].scrollIntoView()", button)
        button.click()

        def loaded(d):
            try:
                return d.execute_script("return window.__before === undefined && document.readyState === 'complete'")
            except WebDriverException:
                return False

        self.wait.until(loaded)

    def submit(self, form_action, value=None):
        selector = f"form[action='{form_action}'] button[type=submit]" + (f"[value='{value}']" if value else "")
        button = self.driver.find_element(By.CSS_SELECTOR, selector)
        # A decision that asks for confirmation sits in a closed <details>: open it as a
        # person would (tap "Approve…", then the confirming button).
        self.driver.execute_script("var d = arguments[0].closest('details'); if (d && !d.open) d.querySelector('summary').click();", button)
        self.click_and_wait(button)

    def sign_in(self, email, password):
        self.driver.delete_all_cookies()
        self.driver.get(f"{self.base}/sign-in")
        self.fill("email", email)
        self.fill("password", password)
        self.submit("/sign-in")

    def menu(self):
        """On a phone the navigation is folded under a "Menu" button: taps it open (nothing
        to do where the navigation shows, or when it is open already)."""
        toggles = self.driver.find_elements(By.CSS_SELECTOR, "[data-menu-toggle]")
        if toggles and toggles[0].is_displayed() and toggles[0].get_attribute("aria-expanded") != "true":
            toggles[0].click()
            self.wait.until(lambda d: d.find_element(By.ID, toggles[0].get_attribute("aria-controls")).is_displayed())

    def nav_link(self, label):
        """The navigation link with this text, shown or folded under "Menu" (its textContent)."""
        links = [a for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a") if a.get_attribute("textContent").strip() == label]
        return links[0] if links else None

    def sign_out(self):
        """Signs out with the page's own button (under "Menu" on a phone)."""
        self.menu()
        self.submit("/sign-out")

    def backfill_toolbox_talk(self, company, day):
        """Types a toolbox talk held on `day` (an employer entering its paper records: E5
        counts field records, three months of them before an evaluation), ticking the
        first person offered as present, and records it."""
        self.driver.get(f"{company}/records/new/toolboxTalk")
        self.fill("occurredOn", day)
        self.fill("topic", "Spill kits: where they are and who carries them")
        self.fill("site", "Yard")
        chips = self.driver.find_elements(By.CSS_SELECTOR, "label.chip input")
        if chips and not chips[0].is_selected():
            self.driver.execute_script("arguments[0].click()", chips[0])
        buttons = [b for b in self.driver.find_elements(By.CSS_SELECTOR, "form[data-offline] button[type=submit]") if b.get_attribute("name") != "signAsMe"]
        self.click_and_wait(buttons[0])
        return "/records/" in self.driver.current_url and "/new/" not in self.driver.current_url

    def body(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def check(self, condition, message):
        if not condition:
            print("FAIL", message, "at", self.driver.current_url)
            print(self.body()[:3000])
            self.driver.quit()
            sys.exit(1)
        print("ok ", message)
