#!/usr/bin/env python3
"""The hub's pages for people, in a real browser: Debian's Chromium, headless, driven by
Selenium through Debian's chromedriver, against a real `mentor-hub serve` (the debug build) on
SQLite, and on PostgreSQL when MENTOR_HUB_TEST_POSTGRES names a server.

An admin sets a password with the link `mentor-hub user add` printed, is sent from the dashboard
to the login page and back, sees the dashboard, and logs out. Two facilitators each see their
own groups and not the other's, and cannot open the dashboard. A wrong password is refused with
the same words as an unknown account. The admin uploads a roster with an error on line 7, sees
line 7 named, fixes it and sees the new people; adds a kiosk and enrolls a real `mentor-kiosk`
process with the code the page shows; changes a check-in rule and cancels a session; a
participant badges in at that kiosk and her facilitator sees her on their page. Screenshots go to the folder printed at the start
($MENTOR_HUB_SCREENSHOTS, or a new temporary one).

Run by scripts/test-browser, which installs Selenium.
"""
import datetime
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import uuid

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
HUB = str(ROOT / ".build/debug/mentor-hub")
KIOSK = str(ROOT / ".build/debug/mentor-kiosk")
PASSWORD = "correct horse battery"


def program_files(folder):
    """A small program: two facilitators, each with a circle; a pair without a facilitator."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

    def at(hours):
        return (now + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")

    files = {
        "participants": "id,name,role,badges,active\n"
        "F001,Fatima Okafor,facilitator,700001,true\nF002,Grace Hopper,facilitator,700002,true\n"
        "M001,Maria García,mentor,100001,true\nE001,Jonas Weber,mentee,200001,true\n"
        "E002,Aisha Bello,mentee,200002,true\nE003,Chen Wei,mentee,200003,true\n",
        "groups": "group_id,name,kind,participant_id,member_role\n"
        "P1,Maria & Jonas,pair,M001,mentor\nP1,Maria & Jonas,pair,E001,mentee\n"
        "C1,Peer Circle A,circle,F001,facilitator\nC1,Peer Circle A,circle,E002,mentee\n"
        "C9,Evening Circle,circle,F002,facilitator\nC9,Evening Circle,circle,E003,mentee\n",
        "sessions": "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\n"
        f"S-C1,Peer Circle A,group,Main Lobby,{at(-0.1)},{at(1)},C1,F001\n"
        f"S-C9,Evening Circle,group,Room 204,{at(5)},{at(6)},C9,F002\n"
        f"S-P1,Maria & Jonas,one_on_one,Main Lobby,{at(1)},{at(2)},P1,\n",
    }
    paths = {}
    for kind, text in files.items():
        paths[kind] = os.path.join(folder, f"{kind}.csv")
        with open(paths[kind], "w", encoding="utf-8") as handle:
            handle.write(text)
    return paths


class Hub:
    """A real hub with its own state (and its own PostgreSQL database, if asked)."""

    def __init__(self, folder, postgres_server=None):
        self.state = os.path.join(folder, "hub")
        self.database = []
        if postgres_server:
            name = "hub_browser_" + uuid.uuid4().hex
            subprocess.run(["psql", "-q", postgres_server, "-c", f"CREATE DATABASE {name}"], check=True)
            self.database = ["--database", postgres_server.rsplit("/", 1)[0] + "/" + name]
        self.run("init")
        for kind, path in program_files(folder).items():
            self.run("import", kind, path)
        self.log = open(os.path.join(folder, "serve.log"), "w+", encoding="utf-8")
        self.server = subprocess.Popen(
            [HUB, "serve", "--state", self.state, "--port", "0", "--password-cost", "4"] + self.database,
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            self.log.seek(0)
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log.read())
            if found:
                self.url = f"http://127.0.0.1:{found.group(1)}"
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("mentor-hub did not start")

    def run(self, *arguments):
        result = subprocess.run([HUB, *arguments, "--state", self.state] + self.database, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"mentor-hub {' '.join(arguments)}: {result.stderr}")
        return result.stdout

    def add_user(self, email, *options):
        output = self.run("user", "add", email, *options)
        path = re.search(r"/set-password\?token=\S+", output).group(0)
        return self.url + path

    def stop(self):
        self.server.terminate()
        self.server.wait(timeout=10)


class Check:
    """Counts what was checked; a failure is reported with the page's text, and the run goes on."""

    def __init__(self):
        self.failures = []
        self.count = 0

    def __call__(self, condition, what, driver=None):
        self.count += 1
        if not condition:
            page = driver.find_element(By.TAG_NAME, "body").text[:800] if driver else ""
            self.failures.append(f"{what}\n    at {driver.current_url if driver else '?'}: {page}")
            print(f"  FAILED: {what}")


def browser():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1400"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def submit(driver, selector):
    """Clicks a form's button and waits for the next page to replace this one."""
    button = driver.find_element(By.CSS_SELECTOR, selector)
    button.click()
    # While the page is replaced, chromedriver may answer about the old node with a bare
    # WebDriverException ("does not belong to the document") instead of a stale reference: ask again.
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(expected_conditions.staleness_of(button))


def set_password(driver, link, password=PASSWORD):
    driver.get(link)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "confirm").send_keys(password)
    submit(driver, "form button[type=submit]")


def log_in(driver, email, password=PASSWORD):
    for field, text in [("email", email), ("password", password)]:
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(text)
    submit(driver, "main form button[type=submit]")


def walk(hub, driver, shots, label, check):
    def shot(name):
        driver.save_screenshot(os.path.join(shots, f"{label}-{name}.png"))

    admin_link = hub.add_user("ada@example.org", "--role", "admin")
    set_password(driver, admin_link)
    check("The password for ada@example.org is set" in driver.page_source, "the admin's password is set", driver)
    shot("password-set")

    driver.get(hub.url + "/dashboard")
    check(driver.current_url.startswith(hub.url + "/login?next="), "the dashboard sends a stranger to the login page", driver)
    log_in(driver, "ada@example.org", "not the password")
    check("The email or the password is wrong" in driver.page_source, "a wrong password is refused", driver)
    shot("login-refused")
    log_in(driver, "ada@example.org")
    check(driver.current_url == hub.url + "/dashboard", "after login, back at the dashboard", driver)
    body = driver.find_element(By.TAG_NAME, "body").text
    check("Attendance per week" in body and "ada@example.org" in body, "the dashboard shows the figures and who is signed in", driver)
    check(len(driver.find_elements(By.CSS_SELECTOR, "svg")) > 0, "the dashboard draws its charts", driver)
    shot("dashboard")
    submit(driver, "div.who button")
    check(driver.current_url == hub.url + "/login", "logout leads to the login page", driver)
    driver.get(hub.url + "/dashboard")
    check("/login" in driver.current_url, "after logout the dashboard needs a login again", driver)

    for email, participant, own, other in [
        ("fatima@example.org", "F001", "Peer Circle A", "Evening Circle"),
        ("grace@example.org", "F002", "Evening Circle", "Peer Circle A"),
    ]:
        driver.delete_all_cookies()
        set_password(driver, hub.add_user(email, "--role", "facilitator", "--participant", participant))
        driver.get(hub.url + "/login")
        log_in(driver, email)
        check(driver.current_url == hub.url + "/my", f"{email} lands on their own page", driver)
        body = driver.find_element(By.TAG_NAME, "body").text
        check(own in body and other not in body, f"{email} sees {own} and not {other}", driver)
        shot(f"facilitator-{participant}")
        driver.get(hub.url + "/dashboard")
        check(driver.current_url == hub.url + "/my", f"{email} cannot open the dashboard", driver)
        driver.get(hub.url + "/dashboard/participants.csv")
        check(driver.current_url == hub.url + "/my", f"{email} cannot download the program's tables", driver)


def roster_with_error(line):
    """participants.csv with six new people; row `line` (counting the header as 1) has no valid `active`."""
    rows = ["id,name,role,badges,active"] + [
        f"N10{n},{name},mentee,91000{n},true"
        for n, name in enumerate(["Noor Haddad", "Lars Berg", "Ines Duarte", "Tomás Silva", "Yuki Tanaka", "Sam Okafor"], start=1)
    ]
    if line:
        rows[line - 1] = rows[line - 1].replace(",true", ",maybe")
    return "\n".join(rows) + "\n"


def upload(driver, url, kind, path):
    driver.get(url + "/admin/program")
    driver.find_element(By.CSS_SELECTOR, f"#kind option[value={kind}]").click()
    driver.find_element(By.ID, "file").send_keys(path)
    submit(driver, "main form button[type=submit]")


def admin_walk(hub, driver, shots, label, check, folder):
    """An admin runs the program from the browser: a roster with a bad line 7, fixed; a kiosk
    added, and a real kiosk process enrolled with the code the page shows."""
    def shot(name):
        driver.save_screenshot(os.path.join(shots, f"{label}-{name}.png"))

    driver.delete_all_cookies()
    driver.get(hub.url + "/admin/program")
    log_in(driver, "ada@example.org")
    check(driver.current_url == hub.url + "/admin/program", "the admin lands on the page they asked for", driver)
    path = os.path.join(folder, "new-people.csv")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(roster_with_error(7))
    upload(driver, hub.url, "participants", path)
    errors = driver.find_elements(By.ID, "error-line")
    check(errors and errors[0].text == "7", "the upload's error names line 7", driver)
    columns = driver.find_elements(By.ID, "error-column")
    check(columns and columns[0].text == "active", "and the column active", driver)
    shot("upload-error")
    driver.get(hub.url + "/admin/people")
    check("Noor Haddad" not in driver.page_source, "a file with an error changes nothing", driver)

    with open(path, "w", encoding="utf-8") as handle:
        handle.write(roster_with_error(None))
    upload(driver, hub.url, "participants", path)
    summary = driver.find_elements(By.ID, "preview-summary")
    check(summary and "6 added, 0 updated" in summary[0].text, "the preview tells what the import would do", driver)
    shot("upload-preview")
    submit(driver, "#import")
    check("Imported: 6 added, 0 updated" in driver.find_element(By.TAG_NAME, "body").text, "the import is confirmed", driver)
    driver.get(hub.url + "/admin/people")
    body = driver.find_element(By.TAG_NAME, "body").text
    check("Noor Haddad" in body and "Tomás Silva" in body, "the new people are on the roster", driver)
    shot("people")

    driver.get(hub.url + "/admin/kiosks")
    driver.find_element(By.ID, "kiosk_id").send_keys("lobby-2")
    driver.find_element(By.ID, "location").send_keys("Main Lobby")
    submit(driver, "form[action='/admin/kiosks/add'] button")
    codes = driver.find_elements(By.ID, "enrollment-code")
    check(codes and re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", codes[0].text), "the new kiosk's code is shown", driver)
    shot("kiosk-code")
    if codes:
        kiosk_db = os.path.join(folder, "kiosk.sqlite")
        environment = {key: value for key, value in os.environ.items() if not key.startswith("MENTOR_KIOSK_")}
        for arguments in (["init"], ["enroll", hub.url, codes[0].text], ["sync"]):
            result = subprocess.run([KIOSK, *arguments, "--database", kiosk_db], capture_output=True, text=True, env=environment)
            check(result.returncode == 0, f"mentor-kiosk {arguments[0]}: {result.stdout}{result.stderr}")
    driver.get(hub.url + "/admin/kiosks")
    rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#kiosks tbody tr")]
    lobby = next((row for row in rows if row.startswith("lobby-2")), "")
    check("enrolled" in lobby and "never" not in lobby and "ago" in lobby, f"the enrolled kiosk shows when it was last seen: {lobby}", driver)
    shot("kiosks")

    # Settings and the schedule: a rule changed, a session cancelled, both seen where kiosks read them.
    driver.get(hub.url + "/admin/settings")
    grace = driver.find_element(By.ID, "on_time_grace_minutes")
    grace.clear()
    grace.send_keys("7")
    submit(driver, "button[value=save]")
    check("Settings saved" in driver.page_source, "the settings are saved", driver)
    check("on_time_grace_minutes = 7" in hub.run("settings"), "the new rule is the program's")
    driver.get(hub.url + "/admin/sessions")
    driver.find_element(By.LINK_TEXT, "Maria & Jonas").click()
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(expected_conditions.presence_of_element_located((By.ID, "reason")))
    driver.find_element(By.ID, "reason").send_keys("mentor ill")
    submit(driver, "form[action='/admin/session/cancel'] button")
    check("is cancelled" in driver.page_source, "the session is cancelled", driver)
    driver.get(hub.url + "/admin/session?id=S-P1")
    check(driver.find_element(By.ID, "status").text == "cancelled", "the session page says cancelled", driver)
    shot("session-cancelled")

    # Aisha badges in at the kiosk; her facilitator sees her among those here now.
    if codes:
        for arguments in (["checkin", "200002", "--session", "S-C1"], ["sync"]):
            result = subprocess.run([KIOSK, *arguments, "--database", kiosk_db], capture_output=True, text=True, env=environment)
            check(result.returncode == 0, f"mentor-kiosk {arguments[0]}: {result.stdout}{result.stderr}")
    driver.delete_all_cookies()
    driver.get(hub.url + "/login")
    log_in(driver, "fatima@example.org")
    body = driver.find_element(By.TAG_NAME, "body").text
    check("Here now (1): Aisha Bello" in body, "the facilitator sees who is here now, from the kiosk's push", driver)
    check("Not here yet: Fatima" not in body, "the facilitator is not listed as missing on their own page", driver)
    shot("facilitator-live")


def main():
    shots = os.environ.get("MENTOR_HUB_SCREENSHOTS") or tempfile.mkdtemp(prefix="hub-screenshots-")
    os.makedirs(shots, exist_ok=True)
    print(f"screenshots: {shots}")
    backends = [("sqlite", None)]
    if os.environ.get("MENTOR_HUB_TEST_POSTGRES"):
        backends.append(("postgres", os.environ["MENTOR_HUB_TEST_POSTGRES"]))
    check = Check()
    for label, server in backends:
        print(f"hub pages in Chromium, {label}")
        with tempfile.TemporaryDirectory() as folder:
            hub = Hub(folder, server)
            driver = browser()
            try:
                walk(hub, driver, shots, label, check)
                admin_walk(hub, driver, shots, label, check, folder)
            finally:
                driver.quit()
                hub.stop()
    print(f"{check.count - len(check.failures)} of {check.count} checks passed")
    for failure in check.failures:
        print("FAILED: " + failure, file=sys.stderr)
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
