"""Browser acceptance of the evidence a crew leaves on the phone (issue 16), at 390 x 844:

  (a) three people sign one FLHA, each from their own session (the worker finds it under
      "Waiting for your signature" on /home first);
  (b) a person with no account signs on the supervisor's phone with a finger (attested);
  (c) the supervisor signs a review with a note;
  (d) an amendment is a new version with no signatures; the old version keeps its own;
  (e) the phone outbox: a record the server refuses stays on the phone, marked with the
      server's reason, and opens in its form to be fixed; a record sent after the session
      ended waits, asks to sign in, and is sent exactly once after signing in; the forms
      and /home open with no network; 20 records queued offline reach the server once each;
  (f) the number of interactions a 3-hazard FLHA signed by 3 workers takes, with the pick
      lists (printed as `INTERACTIONS: N`, with the breakdown);
  (g) screenshots at 390 px (SHOTS_DIR, default /tmp/shots16).

The offline steps use a real loss of network: DevTools' offline emulation
(set_network_conditions) reaches the page but not its service worker's fetches, so the
phone that goes offline reaches the server through a TCP relay in this script, and
"offline" is both the emulation (navigator.onLine false) and the relay refusing connections.

Every check is run and reported; the script exits non-zero if any failed.

Usage: evidence_flow.py BASE_URL   (demo password in SECOR_DEMO_PASSWORD)
"""
import datetime
import json
import os
import re
import socket
import sys
import threading
import time
import traceback
import urllib.request
from zoneinfo import ZoneInfo

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from flow import Flow

BASE = sys.argv[1].rstrip("/")
PASSWORD = os.environ["SECOR_DEMO_PASSWORD"]
SHOTS = os.environ.get("SHOTS_DIR", "/tmp/shots16")
UNIQUE = datetime.datetime.now().strftime("%H%M%S%f")
TODAY = datetime.datetime.now(ZoneInfo("America/Edmonton")).date().isoformat()  # the program's calendar day
SUPERVISOR, WORKER, OWNER = "Jordan Tremblay", "Riley Nguyen", "Sam Okafor"
EMAILS = {SUPERVISOR: "supervisor@secor.test", WORKER: "worker@secor.test", OWNER: "owner@secor.test"}
SELF_SIGN = "Sign: I was told these hazards and controls"
KINDS = ["flha", "preStartInspection", "incident", "toolboxTalk", "workplaceInspection", "hazardRegister",
         "correctiveAction", "safetyPolicy"]
RECORD_PAGE = re.compile(r"/employers/[0-9A-Fa-f-]{36}/records/[0-9A-Fa-f-]{36}(\?.*)?$")

os.makedirs(SHOTS, exist_ok=True)
failures = []
phones = []


class Relay:
    """A TCP relay in front of the server. A phone that browses through it loses the
    network for real (its service worker too) when `down()` is called."""

    def __init__(self, base):
        host, port = re.match(r"https?://([^:/]+):(\d+)", base).groups()
        self.target = (host, int(port))
        self.online = True
        self.connections = set()
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.online:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            with self.lock:
                self.connections.discard(a)
                self.connections.discard(b)

    def down(self):
        self.online = False
        with self.lock:
            open_now = list(self.connections)
        for s in open_now:  # the keep-alive connections the browser holds break too
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def up(self):
        self.online = True


class Phone(Flow):
    """One person's phone: a browser with its own cookies and storage."""

    def __init__(self, label, base=BASE):
        super().__init__(base, width=390, height=844, timeout=20)
        self.label = label
        phones.append(self)

    # -- reading the page --
    def here(self):
        try:
            return self.driver.current_url
        except WebDriverException:
            return "?"

    def text(self, css, within=None):
        found = (within or self.driver).find_elements(By.CSS_SELECTOR, css)
        return found[0].get_attribute("textContent") if found else ""

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def ready(self):
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def open(self, url):
        self.driver.get(url if url.startswith("http") else self.base + url)
        self.ready()

    def outbox(self):
        return self.js("return JSON.parse(localStorage.getItem('secor-outbox') || '[]')")

    def tap(self, element):
        self.js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element)

    # -- doing things --
    def sign_in_as(self, name_or_email):
        email = EMAILS.get(name_or_email, name_or_email)
        self.sign_in(email, PASSWORD)
        check(self.here().endswith("/home"), f"[{self.label}] {email} signs in and lands on /home")
        self.company = [a.get_attribute("href") for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a")
                        if a.get_attribute("textContent").strip() == "Company"][0]
        return self.company

    def form_url(self, kind="flha"):
        return f"{self.company}/records/new/{kind}"

    def pick(self, element, value):
        """What picking a value from an input's pick list (its datalist) does: the value
        replaces what is there, with the input and change events."""
        self.js("""const e = arguments[0]; e.scrollIntoView({block: 'center'}); e.focus(); e.value = arguments[1];
                   e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));""",
                element, value)

    def type_into(self, element, value):
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        element.clear()
        element.send_keys(value)

    def hazard_rows(self):
        return self.driver.find_elements(By.CSS_SELECTOR, "form[data-offline] [data-rows='hazards'] [data-row], "
                                                          "form[data-record-form] [data-rows='hazards'] [data-row]")

    def chip(self, name):
        chips = [c for c in self.driver.find_elements(By.CSS_SELECTOR, "label.chip") if c.get_attribute("textContent").strip() == name]
        check(len(chips) == 1, f"[{self.label}] the form offers {name} to tick as present")
        return chips[0]

    def fill_flha(self, site, location, task, hazards, people, picks=False, counter=None):
        """Fills the FLHA form on screen: typed (send_keys) or picked from the pick lists."""
        count = counter or Interactions()
        for field, value in (("site", site), ("location", location), ("task", task)):
            element = self.driver.find_element(By.ID, field)
            if picks:
                self.pick(element, value)
                count.add(f"pick the {field} from its list")
            else:
                self.type_into(element, value)
                count.add(f"type the {field}")
        for i, (hazard, control) in enumerate(hazards):
            row = self.hazard_rows()[i]
            hazard_input = row.find_element(By.CSS_SELECTOR, "[data-hazard]")
            control_input = hazard_input.find_element(By.XPATH, "following-sibling::input[1]")
            if picks:
                self.pick(hazard_input, hazard)
                count.add("pick a hazard recorded before (its control fills in)")
                check(control_input.get_attribute("value") == control,
                      f"[{self.label}] picking \"{hazard}\" fills its control (\"{control_input.get_attribute('value')}\")")
            else:
                # Typed, then Tab to the control: a hazard recorded before fills its control as it is left.
                self.type_into(hazard_input, hazard)
                hazard_input.send_keys(Keys.TAB)
                count.add("type a hazard")
                if control is not None and control_input.get_attribute("value") != control:
                    self.type_into(control_input, control)
                    count.add("type its control")
        self.set_people(people, count)
        return count

    def ticked(self):
        return sorted(c.get_attribute("textContent").strip() for c in self.driver.find_elements(By.CSS_SELECTOR, "form label.chip")
                      if c.find_element(By.TAG_NAME, "input").is_selected())

    def set_people(self, people, count=None):
        """Ticks exactly these people present (a new record may start with its author ticked)."""
        count = count or Interactions()
        for name in people:
            self.chip(name)
        for chip in self.driver.find_elements(By.CSS_SELECTOR, "form label.chip"):
            box = chip.find_element(By.TAG_NAME, "input")
            wanted = chip.get_attribute("textContent").strip() in people
            if box.is_selected() != wanted:
                self.tap(box)
                count.add("tap a worker's chip" if wanted else "untick someone ticked beforehand")
        check(self.ticked() == sorted(people), f"[{self.label}] ticked as present: {self.ticked()}")
        return count

    def submit_record(self, wait_for_page=True, sign=False):
        """Taps the form's button: "Record and sign" when `sign` and the form offers it (the
        author signs in the same step; `signed_at_once` says so), else the plain one."""
        buttons = self.driver.find_elements(By.CSS_SELECTOR, "form[data-offline] button.big[type=submit]")
        signing = [b for b in buttons if b.get_attribute("name") == "signAsMe"]
        self.signed_at_once = bool(sign and signing)
        button = signing[0] if self.signed_at_once else [b for b in buttons if b.get_attribute("name") != "signAsMe"][0]
        self.tap(button)
        if wait_for_page:
            try:
                self.wait.until(lambda d: RECORD_PAGE.search(d.current_url) and d.execute_script("return document.readyState") == "complete")
            except Exception:
                pass
            check(RECORD_PAGE.search(self.here()) is not None, f"[{self.label}] the record is stored and its page opens ({self.here()})")
            return self.here().split("?")[0]

    def record_flha(self, site, location, task, hazards, people, picks=False, counter=None):
        self.open(self.form_url())
        self.fill_flha(site, location, task, hazards, people, picks=picks, counter=counter)
        return self.submit_record()

    def sign_section(self):
        found = self.driver.find_elements(By.CSS_SELECTOR, "section.sign")
        return found[0].get_attribute("textContent") if found else ""

    def still_to_sign(self):
        match = re.search(r"Still to sign:\s*(.*)", self.sign_section())
        return sorted(n.strip() for n in match.group(1).split(",")) if match else []

    def sign_button(self, label=SELF_SIGN):
        return [b for b in self.driver.find_elements(By.CSS_SELECTOR, "section.sign button")
                if b.get_attribute("textContent").strip() == label]

    def version_section(self, version):
        for section in self.driver.find_elements(By.CSS_SELECTOR, "main section.card"):
            heading = self.text("h2", section)
            if re.match(rf"Version {version}\b", heading):
                return section
        return None

    def signoffs(self, version):
        section = self.version_section(version)
        if section is None:
            return None
        return [li.get_attribute("textContent") for li in section.find_elements(By.CSS_SELECTOR, "ul.signoffs li")]

    def draw(self, long=True):
        pad = self.driver.find_element(By.CSS_SELECTOR, "canvas[data-pad]")
        self.js("arguments[0].scrollIntoView({block: 'center'})", pad)
        width = pad.size["width"]
        actions = ActionChains(self.driver, duration=20)
        actions.move_to_element_with_offset(pad, -width // 3, 10).click_and_hold()
        steps = [(12, -25), (12, 30), (12, -30), (12, 30), (12, -25), (15, 20), (15, -10), (20, 5)] if long else [(2, 1), (1, 2)]
        for dx, dy in steps:
            actions.move_by_offset(dx, dy)
        actions.release().perform()

    def count(self, word):
        self.open(f"{self.company}/records?q={word}")
        return len(self.driver.find_elements(By.CSS_SELECTOR, "ul.plain li"))

    def fits(self, what):
        width = self.js("return window.innerWidth")
        wide = self.js("return document.documentElement.scrollWidth")
        culprits = [] if wide <= width else self.js("""
            return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
              .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))""")
        check(wide <= width, f"[{self.label}] {what} fits a {width} px phone (page {wide} px wide{', ' + ', '.join(culprits) if culprits else ''})")

    def shot(self, name):
        """A full-page screenshot at 390 px."""
        d = self.driver
        size = d.get_window_size()
        d.set_window_size(390, 844)
        height = self.js("return document.documentElement.scrollHeight")
        d.set_window_size(390, min(max(height + 140, 844), 8000))
        self.js("window.scrollTo(0, 0)")
        time.sleep(0.3)
        path = os.path.join(SHOTS, f"{name}.png")
        d.save_screenshot(path)
        d.set_window_size(size["width"], size["height"])
        print(f"    screenshot {path}")
        return path

    def offline(self, relay=None):
        self.driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        if relay:
            relay.down()

    def online(self, relay=None):
        if relay:
            relay.up()
        self.driver.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)


class Interactions:
    def __init__(self):
        self.steps = []

    def add(self, what):
        self.steps.append(what)

    def breakdown(self):
        out = {}
        for s in self.steps:
            out[s] = out.get(s, 0) + 1
        return out


current = None  # the phone the last check looked at


def check(condition, message, on=None):
    phone = on or current
    if condition:
        print("ok  ", message)
        return True
    where = phone.here() if phone else ""
    print("FAIL", message, "at", where)
    if phone:
        try:
            print("     " + phone.body()[:1500].replace("\n", "\n     "))
        except Exception:
            pass
    failures.append(message)
    return False


def section(title, steps):
    print(f"\n--- {title}")
    try:
        steps()
    except Exception as error:  # a crash fails this part; the others still run
        traceback.print_exc()
        check(False, f"{title}: stopped by {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")


def api_record(email, record_url):
    """The record as the API gives it (GET /api/v1/employers/{id}/records/{rid})."""
    request = urllib.request.Request(f"{BASE}/api/v1/sessions", data=json.dumps({"email": email, "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    token = json.load(urllib.request.urlopen(request))["token"]
    path = record_url.replace(BASE, "").split("?")[0]
    request = urllib.request.Request(f"{BASE}/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
    return json.load(urllib.request.urlopen(request))


def signoffs_in(record, version):
    for v in record.get("versions", []):
        if v.get("version") == version:
            return v.get("signOffs") or v.get("signoffs") or []
    return []


# ---------------------------------------------------------------------------------------
supervisor = Phone("supervisor")
worker = Phone("worker")
owner = Phone("owner")
relay = Relay(BASE)
field = Phone("offline phone", base=relay.base)  # the supervisor's phone in the bush
state = {}
HAZARDS = [("Icy stairs", "Three points of contact, sand the treads"), ("H2S release", "Personal monitors and a buddy")]


def part_a():
    global current
    current = supervisor
    supervisor.sign_in_as(SUPERVISOR)
    current = worker
    worker.sign_in_as(WORKER)
    current = owner
    owner.sign_in_as(OWNER)
    current = supervisor
    site = f"Pad A-{UNIQUE}"
    supervisor.open(supervisor.form_url())
    typed = supervisor.fill_flha(site, "Wellhead 2", f"Three signers {UNIQUE}", HAZARDS, [SUPERVISOR, WORKER, OWNER])
    controls = [r.find_elements(By.TAG_NAME, "input")[1].get_attribute("value") for r in supervisor.hazard_rows()[:2]]
    check(controls == [c for _, c in HAZARDS] and "type its control" not in typed.breakdown(),
          f"typing a hazard recorded before fills its control when the field is left ({controls})")
    url = supervisor.submit_record(sign=True)
    state["a"] = url
    if not supervisor.signed_at_once:  # a form with one button: record, then sign on the record's page
        check(supervisor.still_to_sign() == sorted([SUPERVISOR, WORKER, OWNER]),
              f"the new FLHA is still to be signed by the three it names ({supervisor.still_to_sign()})")
        buttons = supervisor.sign_button()
        check(len(buttons) == 1, f"the supervisor is offered \"{SELF_SIGN}\"")
        supervisor.click_and_wait(buttons[0])
    check(supervisor.still_to_sign() == sorted([WORKER, OWNER]), f"the supervisor signed; still to sign: {supervisor.still_to_sign()}")
    check(any(SUPERVISOR in l and "signed on their own account" in l for l in supervisor.signoffs(1) or []),
          f"the supervisor's signature is on version 1 ({'Record and sign' if supervisor.signed_at_once else 'Record, then Sign'})")
    check(not supervisor.sign_button(), "the supervisor is not offered to sign twice")

    current = worker
    worker.open("/home")
    waiting = [a for a in worker.driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby='sign-title'] li a")
               if site in a.get_attribute("textContent")]
    check(len(waiting) == 1, f"the worker's /home lists the FLHA under \"Waiting for your signature\" "
                             f"({[a.text for a in worker.driver.find_elements(By.CSS_SELECTOR, 'section[aria-labelledby=sign-title] li')]})")
    worker.fits("the worker's home")
    worker.shot("home-worker")
    worker.click_and_wait(waiting[0])
    check(worker.here().split("?")[0] == url, "the link opens the FLHA")
    buttons = worker.sign_button()
    check(len(buttons) == 1, f"the worker is offered \"{SELF_SIGN}\"")
    check(not worker.driver.find_elements(By.CSS_SELECTOR, "section.sign details"), "a worker is not offered the supervisor's review")
    worker.click_and_wait(buttons[0])
    check(worker.still_to_sign() == [OWNER], f"the worker signed from his own session; still to sign: {worker.still_to_sign()}")
    worker.open("/home")
    check(site not in worker.text("section[aria-labelledby='sign-title']"), "the FLHA no longer waits on the worker's /home")

    current = owner
    owner.open(url)
    buttons = owner.sign_button()
    check(len(buttons) == 1, f"the owner is offered \"{SELF_SIGN}\"")
    owner.click_and_wait(buttons[0])
    text = owner.sign_section()
    check("Everyone it names has signed version 1." in text and "Still to sign" not in text,
          f"the owner signed: the page says everyone signed ({text.strip()[:120]!r})")
    lines = owner.signoffs(1) or []
    own = [l for l in lines if "signed on their own account" in l]
    check(len(own) == 3 and all(any(n in l for l in own) for n in (SUPERVISOR, WORKER, OWNER)),
          f"version 1 lists 3 \"signed on their own account\" ({[l.split(',')[0] for l in own]})")
    owner.fits("the signed FLHA")
    owner.shot("record-signed")
    record = api_record(EMAILS[OWNER], url)
    api = signoffs_in(record, 1)
    check(len([s for s in api if s.get("method") == "self" and s.get("role") == "worker"]) == 3 and record.get("waitingFor") == [],
          f"the API agrees: 3 self sign-offs on version 1, no one waiting ({[(s.get('name'), s.get('method')) for s in api]})")


def part_b():
    global current
    current = supervisor
    chris = "Chris Belanger"
    url = supervisor.record_flha(f"Pad B-{UNIQUE}", "Tank farm", f"Attested {UNIQUE}", HAZARDS[:1], [chris])
    state["b"] = url
    links = [a for a in supervisor.driver.find_elements(By.CSS_SELECTOR, "section.sign a.button")
             if a.get_attribute("textContent").strip() == f"{chris} signs on this phone"]
    check(len(links) == 1, f"the supervisor's phone offers \"{chris} signs on this phone\"")
    supervisor.click_and_wait(links[0])
    check("/sign-here?person=" in supervisor.here() and supervisor.driver.find_elements(By.CSS_SELECTOR, "canvas[data-pad]"),
          "the signature pad opens")
    check(f"{chris}, please read and sign" in supervisor.body() and "Attested" in supervisor.body(),
          "the pad names Chris and shows what he signs")
    supervisor.fits("the signature pad")
    supervisor.draw(long=False)
    pad_url = supervisor.here()
    supervisor.tap(supervisor.driver.find_element(By.CSS_SELECTOR, "form[data-signature-form] button.big"))
    time.sleep(0.5)
    error = supervisor.driver.find_elements(By.CSS_SELECTOR, "[data-pad-error]")
    check(supervisor.here() == pad_url and error and error[0].is_displayed(), "a too-short scribble is refused on the phone")
    supervisor.tap(supervisor.driver.find_element(By.CSS_SELECTOR, "[data-pad-clear]"))
    supervisor.draw(long=True)
    supervisor.shot("signature-pad")
    supervisor.click_and_wait(supervisor.driver.find_element(By.CSS_SELECTOR, "form[data-signature-form] button.big"))
    check(RECORD_PAGE.search(supervisor.here()) is not None, "the drawn signature is sent and the record opens")
    lines = supervisor.signoffs(1) or []
    check(any(chris in l and f"signed on {SUPERVISOR}'s phone" in l for l in lines),
          f"the page shows Chris \"signed on {SUPERVISOR}'s phone\" ({lines})")
    images = supervisor.driver.find_elements(By.CSS_SELECTOR, "ul.signoffs img.signature")
    check(len(images) == 1 and supervisor.js("return arguments[0].complete && arguments[0].naturalWidth", images[0]) > 0
          if images else False, "the signature image is shown (it loads)")
    check("Everyone it names has signed version 1." in supervisor.sign_section(), "Chris was the only one named: everyone signed")
    supervisor.shot("record-signed-attested")
    record = api_record(EMAILS[SUPERVISOR], url)
    api = [s for s in signoffs_in(record, 1) if s.get("name") == chris]
    check(len(api) == 1 and api[0].get("method") == "attested" and api[0].get("signatureFileId"),
          f"the API: one attested sign-off with its signature file ({api})")


def part_c():
    global current
    current = supervisor
    url = state.get("b") or supervisor.record_flha(f"Pad C-{UNIQUE}", "Tank farm", f"Review {UNIQUE}", HAZARDS[:1], [SUPERVISOR])
    supervisor.open(url)
    details = supervisor.driver.find_elements(By.CSS_SELECTOR, "section.sign details")
    check(len(details) == 1 and "Review it as supervisor" in supervisor.text("summary", details[0]),
          "the supervisor sees \"Review it as supervisor\"")
    supervisor.tap(details[0].find_element(By.TAG_NAME, "summary"))
    note = f"Controls checked on site {UNIQUE}"
    supervisor.type_into(supervisor.driver.find_element(By.ID, "note"), note)
    button = [b for b in details[0].find_elements(By.CSS_SELECTOR, "button") if b.get_attribute("textContent").strip() == "Sign the review"]
    check(len(button) == 1, "the review has a \"Sign the review\" button")
    supervisor.click_and_wait(button[0])
    lines = supervisor.signoffs(1) or []
    review = [l for l in lines if note in l]
    check(len(review) == 1 and SUPERVISOR in review[0] and "signed on their own account" in review[0],
          f"the review is listed with its note, signed by the supervisor ({review})")
    check(not supervisor.driver.find_elements(By.CSS_SELECTOR, "section.sign details"), "the review is not offered twice")


def part_d():
    global current
    current = supervisor
    url = state["a"]
    supervisor.open(url)
    amend = [a for a in supervisor.driver.find_elements(By.CSS_SELECTOR, "main a") if a.get_attribute("textContent").strip() == "Amend"]
    check(len(amend) == 1, "the record offers Amend")
    supervisor.click_and_wait(amend[0])
    check(supervisor.here().endswith("/amend") and supervisor.driver.find_elements(By.ID, "reason"), "the amend form asks why")
    supervisor.type_into(supervisor.driver.find_element(By.ID, "notes"), f"Wind changed at noon {UNIQUE}")
    supervisor.type_into(supervisor.driver.find_element(By.ID, "reason"), "Added the wind change")
    supervisor.click_and_wait(supervisor.driver.find_element(By.CSS_SELECTOR, "form[data-record-form] button.big[type=submit]"))
    check(supervisor.here().split("?")[0] == url, f"the amendment is saved and the record opens ({supervisor.here()})")
    v2 = supervisor.version_section(2)
    check(v2 is not None and "amended: Added the wind change" in supervisor.text("h2", v2), "version 2 is there, with its reason")
    check(v2 is not None and "No one has signed version 2." in v2.get_attribute("textContent"), "version 2 says \"No one has signed version 2\"")
    check(supervisor.still_to_sign() == sorted([SUPERVISOR, WORKER, OWNER]),
          f"\"Still to sign\" lists all three again ({supervisor.still_to_sign()})")
    lines = supervisor.signoffs(1) or []
    check(len(lines) == 3 and all(any(n in l for l in lines) for n in (SUPERVISOR, WORKER, OWNER)),
          f"version 1 keeps its 3 sign-offs ({[l.split(',')[0] for l in lines]})")
    check(len(supervisor.sign_button()) == 1, "the supervisor may sign version 2")
    record = api_record(EMAILS[SUPERVISOR], url)
    check(record.get("version") == 2 and len(signoffs_in(record, 1)) == 3 and not signoffs_in(record, 2)
          and sorted(p.get("name") for p in record.get("waitingFor", [])) == sorted([SUPERVISOR, WORKER, OWNER]),
          "the API agrees: version 2, no sign-offs on it, 3 on version 1, all three waiting")
    current = worker
    worker.open("/home")
    check(f"Pad A-{UNIQUE}" in worker.text("section[aria-labelledby='sign-title']"), "the amended FLHA waits on the worker's /home again")


def part_e():
    global current
    current = field
    field.sign_in_as(SUPERVISOR)
    field.wait.until(lambda d: d.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)"))
    check(True, "[offline phone] the service worker controls the page")

    # 1. A record the phone's check lets through but the server refuses (a day in 2099).
    word = f"Refused{UNIQUE}"
    field.open(field.form_url())
    field.fill_flha(f"Pad E-{UNIQUE}", "Separator", f"Future day {word}", HAZARDS[:1], ["Chris Belanger"])
    field.js("document.getElementById('occurredOn').value = '2099-01-01'")
    field.submit_record(wait_for_page=False)
    try:
        field.wait.until(lambda d: any(i.get("refused") for i in field.outbox()))
    except Exception:
        pass
    items = field.outbox()
    refused = [i for i in items if i.get("refused")]
    check(len(items) == 1 and len(refused) == 1, f"the refused record stays on the phone, marked refused ({items})")
    message = (refused[0]["refused"].get("message") or "") if refused else ""
    check("future" in message, f"with the server's reason ({message!r})")
    check("future" in field.text("#js-errors"), f"the form shows the server's reason ({field.text('#js-errors')!r})")
    field.shot("form-refused")
    check(field.count(word) == 0, "the server holds nothing of it")
    field.open("/outbox")
    rows = field.driver.find_elements(By.CSS_SELECTOR, "[data-outbox-list] li.refused")
    check(len(rows) == 1 and f"Refused: {message}" in rows[0].get_attribute("textContent"),
          f"/outbox lists it as refused, with the reason ({[r.text for r in rows]})")
    field.fits("/outbox with a refused record")
    banner = field.text("#outbox")
    check(banner and not banner.startswith("0 "), f"the outbox line names the refused record, not \"0 records ... sending now\" ({banner!r})")
    field.shot("outbox-refused")
    fix = rows[0].find_elements(By.LINK_TEXT, "Open it and fix it") if rows else []
    check(len(fix) == 1, "it has an \"Open it and fix it\" link")
    field.click_and_wait(fix[0])
    check(f"outbox={refused[0]['key']}" in field.here(), "the link opens its form")
    check(field.driver.find_element(By.ID, "task").get_attribute("value") == f"Future day {word}"
          and field.driver.find_element(By.ID, "occurredOn").get_attribute("value") == "2099-01-01"
          and field.hazard_rows()[0].find_element(By.CSS_SELECTOR, "[data-hazard]").get_attribute("value") == HAZARDS[0][0]
          and field.ticked() == ["Chris Belanger"],
          f"the form is filled in again as it was sent (task, day, hazard, exactly Chris ticked: {field.ticked()})")
    check("future" in field.text("#js-errors"), f"the form shows the server's reason ({field.text('#js-errors')!r})")
    date_error = field.js("const n = document.getElementById('occurredOn').nextElementSibling; return n && n.matches('.field-error.js') ? n.textContent : ''")
    check("future" in date_error, f"the reason stands next to the day ({date_error!r})")
    field.js("document.getElementById('occurredOn').value = arguments[0]", TODAY)
    field.submit_record()
    check(field.outbox() == [], f"fixed and sent: the phone's outbox is empty ({field.outbox()})")
    check(field.count(word) == 1, "the server holds it once")

    # 2. The session ends while a record waits offline: it stays, the page asks to sign in;
    #    a record made right after, with the session gone, waits too and the form says so.
    queued_word, late_word = f"Session{UNIQUE}", f"Late{UNIQUE}"
    field.open(field.form_url())
    field.offline(relay)
    field.fill_flha(f"Pad E-{UNIQUE}", "Separator", f"Queued then signed out {queued_word}", HAZARDS[:1], [SUPERVISOR])
    field.submit_record(wait_for_page=False)
    try:
        field.wait.until(lambda d: "No network" in field.text("#queued"))
    except Exception:
        pass
    check(len(field.outbox()) == 1 and "No network" in field.text("#queued"), f"offline: the record waits on the phone ({field.text('#queued')!r})")
    cookies = [c["name"] for c in field.driver.get_cookies()]
    session_cookie = [c for c in cookies if "session" in c.lower()]
    check(len(session_cookie) == 1, f"the phone holds one session cookie ({cookies})")
    field.driver.delete_cookie(session_cookie[0])
    field.online(relay)
    try:
        field.wait.until(lambda d: "sign in to send" in field.text("#outbox"))
    except Exception:
        pass
    items = field.outbox()
    check(len(items) == 1 and not items[0].get("refused"), f"back online with the session gone: the record is kept, not refused ({items and items[0].get('refused')})")
    check("sign in to send" in field.text("#outbox") and field.driver.find_elements(By.CSS_SELECTOR, "#outbox a[href^='/sign-in']"),
          f"the page asks to sign in, with a link ({field.text('#outbox')!r})")
    check(supervisor.count(queued_word) == 0, "the server holds nothing yet")

    field.fill_flha(f"Pad E-{UNIQUE}", "Separator", f"Made after the session ended {late_word}", HAZARDS[:1], [SUPERVISOR])
    field.submit_record(wait_for_page=False)
    try:
        field.wait.until(lambda d: len(field.outbox()) == 2 and field.text("#queued") and "No network" not in field.text("#queued"))
    except Exception:
        pass
    queued = field.text("#queued")
    button = field.driver.find_element(By.CSS_SELECTOR, "form[data-offline] button.big[type=submit]")
    check(len(field.outbox()) == 2 and not any(i.get("refused") for i in field.outbox()), "a record made with the session gone waits on the phone too")
    check("session has ended" in queued and button.is_enabled() and field.driver.find_element(By.ID, "task").get_attribute("value") == "",
          f"the form says the session ended and the record is kept, and is ready for the next one "
          f"(note {queued!r}, Record button {'enabled' if button.is_enabled() else 'disabled'}, "
          f"task {field.driver.find_element(By.ID, 'task').get_attribute('value')!r})")
    field.click_and_wait(field.driver.find_element(By.CSS_SELECTOR, "#outbox a[href^='/sign-in']"))
    check("/sign-in" in field.here(), "the Sign in link opens the sign-in page")
    field.fill("email", EMAILS[SUPERVISOR])
    field.fill("password", PASSWORD)
    field.submit("/sign-in")
    check(field.here().endswith("/outbox"), f"signed in, the phone is back on /outbox ({field.here()})")
    field.open("/home")
    try:
        field.wait.until(lambda d: field.outbox() == [])
    except Exception:
        pass
    check(field.outbox() == [], f"signed in again: the phone sent both (its outbox holds {len(field.outbox())})")
    field.open("/home")
    time.sleep(2)
    check(supervisor.count(queued_word) == 1 and supervisor.count(late_word) == 1, "the server holds each exactly once")

    # 3. No network: the form and /home open from the phone.
    form = field.form_url()
    field.open(form)
    field.open("/home")
    field.open(form)
    field.offline(relay)
    field.driver.refresh()
    field.ready()
    check(field.text("h1") == "Field-level hazard assessment" and field.driver.find_elements(By.CSS_SELECTOR, "form[data-offline]"),
          f"offline, a reload of the form shows the form kept on the phone (h1 {field.text('h1')!r})")
    check(field.js("return navigator.onLine") is False, "the phone knows it is offline")
    field.open("/home")
    check("Welcome, Jordan Tremblay" in field.body(), f"offline, /home opens from the phone ({field.text('h1')!r})")
    field.open(f"{field.company}/records")
    check(field.text("h1") == "On this phone, not yet sent",
          f"offline, a page the phone does not keep opens the outbox, not the browser's error page (h1 {field.text('h1')!r})")
    field.open(form)
    check(field.driver.find_elements(By.CSS_SELECTOR, "form[data-offline]"), "offline, opening the form again shows it")

    # 4. 20 records queued offline reach the server exactly once each.
    word = f"Batch{UNIQUE}"
    for n in range(20):
        field.fill_flha(f"Pad E-{UNIQUE}", "Separator", f"Queued {n:02d} {word}", HAZARDS[:1], [SUPERVISOR])
        field.submit_record(wait_for_page=False)
        try:
            field.wait.until(lambda d: len(field.outbox()) == n + 1 and "No network" in field.text("#queued"))
        except Exception:
            pass
        if len(field.outbox()) != n + 1:
            break
    check(len(field.outbox()) == 20 and "20 records are on this phone" in field.text("#outbox"),
          f"20 records wait on the phone ({len(field.outbox())}; {field.text('#outbox')!r})")
    field.open("/home")
    check(len(field.driver.find_elements(By.CSS_SELECTOR, "[data-outbox-list] li")) == 20,
          "offline, /home lists the 20 under \"On this phone, not yet sent\"")
    check(supervisor.count(word) == 0, "the server has none of them yet")
    field.online(relay)
    try:
        WaitLong(field).until(lambda d: field.outbox() == [])
    except Exception:
        pass
    check(field.outbox() == [], f"the network is back: the phone sent them all ({len(field.outbox())} left)")
    time.sleep(2)
    supervisor.open(f"{supervisor.company}/records?q={word}")
    found = [li.get_attribute("textContent") for li in supervisor.driver.find_elements(By.CSS_SELECTOR, "ul.plain li")]
    each = [sum(1 for f in found if f"Queued {n:02d} {word}" in f) for n in range(20)]
    check(len(found) == 20 and each == [1] * 20, f"the server holds the 20 exactly once each ({len(found)} found; copies {each})")


def WaitLong(phone):
    return WebDriverWait(phone.driver, 120)


def part_f():
    global current
    current = supervisor
    supervisor.open(supervisor.form_url())
    known = json.loads(supervisor.driver.find_element(By.CSS_SELECTOR, "[data-rows='hazards']").get_attribute("data-controls"))
    picks = {i: [o.get_attribute("value") for o in supervisor.driver.find_elements(By.CSS_SELECTOR, f"datalist#pick-{i} option")]
             for i in ("site", "location", "task")}
    check(len(known) >= 3 and all(picks.values()), f"the form offers pick lists ({len(known)} hazards with controls; {picks})")
    hazards = list(known.items())[:3]
    count = Interactions()
    supervisor.fill_flha(picks["site"][0], picks["location"][0], picks["task"][0], hazards, [SUPERVISOR, "Chris Belanger", "Pat Lindqvist"],
                         picks=True, counter=count)
    rows = [r for r in supervisor.hazard_rows() if r.find_element(By.CSS_SELECTOR, "[data-hazard]").get_attribute("value")]
    check(len(supervisor.hazard_rows()) == 4 and len(rows) == 3, "3 hazard rows filled, an empty one waits at the end")
    url = supervisor.submit_record(sign=True)
    if supervisor.signed_at_once:
        count.add("tap \"Record and sign\" (the supervisor signs on his own account)")
    else:
        count.add("tap Record")
        supervisor.click_and_wait(supervisor.sign_button()[0])
        count.add("tap Sign (the supervisor, on his own account)")
    for name in ("Chris Belanger", "Pat Lindqvist"):
        link = [a for a in supervisor.driver.find_elements(By.CSS_SELECTOR, "section.sign a.button")
                if a.get_attribute("textContent").strip() == f"{name} signs on this phone"][0]
        supervisor.click_and_wait(link)
        count.add("tap \"X signs on this phone\"")
        supervisor.draw()
        count.add("draw a signature")
        supervisor.click_and_wait(supervisor.driver.find_element(By.CSS_SELECTOR, "form[data-signature-form] button.big"))
        count.add("tap \"I have read it: sign\"")
    check("Everyone it names has signed version 1." in supervisor.sign_section() and len(supervisor.signoffs(1) or []) == 3,
          "the 3-hazard FLHA is signed by the 3 workers it names")
    total = len(count.steps)
    print(f"INTERACTIONS: {total}")
    for what, n in count.breakdown().items():
        print(f"    {n:2d} x {what}")
    print("    (not counted: signing in, opening the form from /home; the day and time are filled in)")
    state["f"] = url


def part_g():
    global current
    current = owner
    if not getattr(owner, "company", None):
        owner.sign_in_as(OWNER)
    for kind in KINDS:
        owner.open(owner.form_url(kind))
        check(owner.driver.find_elements(By.CSS_SELECTOR, "form[data-offline]") and owner.text("h1"),
              f"the {kind} form opens ({owner.text('h1')!r})")
        owner.fits(f"the {kind} form")
        owner.shot(f"form-{kind}")


def part_h():
    global current
    current = supervisor
    # An empty FLHA: every reason at once, each beside its field; nothing leaves the phone.
    supervisor.open(supervisor.form_url())
    supervisor.set_people([])  # a new FLHA may start with its author ticked: untick him for an empty form
    before = len(supervisor.outbox())
    supervisor.submit_record(wait_for_page=False)
    time.sleep(0.5)
    listed = [li.get_attribute("textContent") for li in supervisor.driver.find_elements(By.CSS_SELECTOR, "#js-errors li")]
    beside = supervisor.driver.find_elements(By.CSS_SELECTOR, "form .field-error.js")
    check(len(listed) == 5 and len(beside) == 5 and "/new/flha" in supervisor.here() and len(supervisor.outbox()) == before,
          f"an empty FLHA: the phone lists all 5 reasons at once, each beside its field, and keeps nothing ({listed})")
    # A pre-start check: nothing is chosen beforehand; a failed item needs its defect.
    supervisor.open(supervisor.form_url("preStartInspection"))
    rows = supervisor.driver.find_elements(By.CSS_SELECTOR, "[data-rows='items'] [data-row]")
    named = [r for r in rows if r.find_element(By.CSS_SELECTOR, "input[type=text]").get_attribute("value")]
    check(len(named) >= 3 and not supervisor.driver.find_elements(By.CSS_SELECTOR, "[data-rows='items'] input[type=radio]:checked"),
          f"the pre-start checklist offers {len(named)} items, none chosen beforehand")
    supervisor.pick(supervisor.driver.find_element(By.ID, "equipment"), f"Truck {UNIQUE}")
    def choose(row, label):
        choice = [l for l in row.find_elements(By.CSS_SELECTOR, ".choice label") if l.get_attribute("textContent").strip() == label][0]
        supervisor.tap(choice)
    choose(named[0], "Fail")
    for row in named[1:-1]:
        choose(row, "Pass")
    supervisor.submit_record(wait_for_page=False)
    time.sleep(0.5)
    listed = [li.get_attribute("textContent") for li in supervisor.driver.find_elements(By.CSS_SELECTOR, "#js-errors li")]
    item0 = named[0].find_element(By.CSS_SELECTOR, "input[type=text]").get_attribute("value")
    last = named[-1].find_element(By.CSS_SELECTOR, "input[type=text]").get_attribute("value")
    check(len(listed) == 2 and any(item0 in m and "wrong" in m for m in listed) and any(last in m for m in listed),
          f"the phone asks for the failed item's defect and the item left unchosen, together ({listed})")
    defect = named[0].find_element(By.CSS_SELECTOR, "[data-defect]")
    check(defect.is_displayed(), "the failed item shows its defect field")
    supervisor.type_into(defect, "Soft pedal")
    choose(named[-1], "N/A")
    url = supervisor.submit_record()
    text = supervisor.body()
    check(item0 in text and "Soft pedal" in text, "the pre-start check is stored with its failed item and defect")


try:
    for title, steps in (("(a) three people sign one FLHA from three sessions", part_a),
                         ("(b) an attested signature on the supervisor's phone", part_b),
                         ("(c) a supervisor's review with a note", part_c),
                         ("(d) an amendment resets the signatures", part_d),
                         ("(e) the phone outbox, offline", part_e),
                         ("(f) interactions for a 3-hazard FLHA signed by 3 workers", part_f),
                         ("(g) the eight forms at 390 px", part_g),
                         ("(h) the phone's checks: an empty FLHA, a pre-start with a failed item", part_h)):
        section(title, steps)
finally:
    for phone in phones:
        try:
            phone.driver.quit()
        except Exception:
            pass

print()
if failures:
    print(f"{len(failures)} check(s) failed:")
    for f in failures:
        print("  -", f)
    sys.exit(1)
print("All evidence checks passed.")
