"""Browser acceptance of offline capture: load the FLHA form, lose the network, record
an FLHA with a photo, get the network back; the server holds exactly one copy, with its
photo.

Usage: offline_flow.py BASE_URL   (demo password in SECOR_DEMO_PASSWORD)
"""
import base64
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1]
PASSWORD = os.environ["SECOR_DEMO_PASSWORD"]
TASK = f"Offline test task {int(time.time() * 1000)}"

options = webdriver.ChromeOptions()
for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
    options.add_argument(arg)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
driver.set_window_size(390, 844)
wait = WebDriverWait(driver, 20)


def check(condition, message):
    if not condition:
        print("FAIL", message, "at", driver.current_url)
        print(driver.find_element(By.TAG_NAME, "body").text[:1500])
        driver.quit()
        sys.exit(1)
    print("ok ", message)


def matches(company):
    driver.get(f"{company}/records?q={TASK.split()[-1]}")
    return len(driver.find_elements(By.CSS_SELECTOR, "ul.plain li"))


try:
    driver.get(f"{BASE}/sign-in")
    driver.find_element(By.ID, "email").send_keys("supervisor@secor.test")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button").click()
    wait.until(lambda d: d.current_url.endswith("/home"))
    # On a phone the nav is inside the collapsed "Menu": read the links' text, not what shows.
    company = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")
               if a.get_attribute("textContent").strip() == "Company"][0]

    driver.get(f"{company}/records/new/flha")
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    wait.until(lambda d: d.execute_script("return navigator.onLine") is False)
    for field, value in (("site", "Pad 3-17"), ("location", "Separator"), ("task", TASK)):
        driver.find_element(By.ID, field).send_keys(value)
    row = driver.find_element(By.CSS_SELECTOR, "[data-rows='hazards'] [data-row]")
    row.find_element(By.CSS_SELECTOR, "[data-hazard]").send_keys("Hot surfaces")
    row.find_element(By.CSS_SELECTOR, "[data-hazard] + input").send_keys("Gloves and wait to cool")
    # Workers present: the roster's chips (a new FLHA may start with its author, Jordan Tremblay, ticked).
    chip = [c for c in driver.find_elements(By.CSS_SELECTOR, "label.chip") if c.get_attribute("textContent").strip() == "Jordan Tremblay"][0]
    if not chip.find_element(By.TAG_NAME, "input").is_selected():
        driver.execute_script("arguments[0].click()", chip.find_element(By.TAG_NAME, "input"))
    photo = os.path.join(tempfile.mkdtemp(), "separator.png")
    with open(photo, "wb") as f:  # a 1x1 PNG: the photo a worker took of the separator
        f.write(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))
    driver.find_element(By.ID, "photos").send_keys(photo)
    button = driver.find_element(By.CSS_SELECTOR, "form[data-offline] button[type=submit]")  # "Record and sign" where offered
    driver.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    wait.until(lambda d: "on this phone, not yet sent" in d.find_element(By.ID, "outbox").text)
    queued = driver.execute_script("return JSON.parse(localStorage.getItem('secor-outbox') || '[]')")
    # The photo waits in IndexedDB beside the item (localStorage holds only a few photos as text).
    stored_photos = driver.execute_async_script("""
        var done = arguments[arguments.length - 1], key = arguments[0];
        var open = indexedDB.open('secor-outbox-files', 1);
        open.onsuccess = function () {
          var get = open.result.transaction('files').objectStore('files').get(key);
          get.onsuccess = function () { done((get.result || []).map(function (f) { return [f.name, f.blob.size]; })); };
          get.onerror = function () { done(null); };
        };
        open.onerror = function () { done(null); };""", queued[0]["key"] if queued else "")
    check(len(queued) == 1 and queued[0].get("fileCount") == 1 and stored_photos and len(stored_photos) == 1 and stored_photos[0][1] > 0,
          f"offline: the FLHA waits in the phone's outbox, with its photo in IndexedDB ({stored_photos})")

    driver.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
    wait.until(lambda d: d.execute_script("return JSON.parse(localStorage.getItem('secor-outbox') || '[]').length") == 0)
    check(True, "online again: the outbox is empty")
    check(matches(company) == 1, "the server holds exactly one copy")
    driver.find_element(By.CSS_SELECTOR, "ul.plain li a").click()
    wait.until(lambda d: "/records/" in d.current_url)
    # A photo shows as its picture (alt: its name); any other file as a link with its name.
    images = driver.find_elements(By.CSS_SELECTOR, "main .thumbs img")
    names = [i.get_attribute("alt") for i in images] + [a.text for a in driver.find_elements(By.CSS_SELECTOR, "main a") if a.text.endswith(".jpg")]
    for image in images:  # loading="lazy": on screen first
        driver.execute_script("arguments[0].scrollIntoView()", image)
    try:
        wait.until(lambda d: all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i) for i in images))
    except Exception:
        pass
    loaded = bool(images) and all(driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i) for i in images)
    check(names == ["separator.jpg"] and loaded, f"the photo taken offline arrived with it ({names}, shown: {loaded})")
finally:
    driver.quit()
