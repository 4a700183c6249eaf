"""One simulated creator's browser: the submission routes and form fields, in one place.

The routes are the ones suggested to the submissions package (GET/POST /challenges/<slug>/submit,
POST /submissions/<ref>/attachments, POST /submissions/<ref>/submit). If they land under other names or
fields, change them here and nowhere else.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import requests

from bench.server import csrf_token

REFERENCE = re.compile(r"/submissions/(CX-\d{4}-\d{5,})")
SUCCESS_FLASH = "alert-success"
ERROR_FLASHES = ("alert-danger", "alert-warning")


@dataclass
class Step:
    name: str
    sent: float  # wall-clock time.time() when the request left
    answered: float
    status: int  # 0: no answer (connection error or timeout)
    note: str = ""


@dataclass
class Outcome:
    creator: int
    reference: str | None = None
    steps: list[Step] = field(default_factory=list)
    submitted: bool = False  # the server's answer to the final step said "submitted"
    refused: str = ""  # why the server refused, as it said it
    refusal_clear: bool = False  # a 4xx, or a page that says why
    sha256: str = ""

    def last(self) -> Step | None:
        return self.steps[-1] if self.steps else None

    @property
    def gave_up(self) -> bool:
        """A request got no answer in time: the creator's browser gave up waiting."""
        return any(s.status == 0 for s in self.steps)


class SubmissionClient:
    LOGIN = "/login"
    START = "/challenges/{slug}/submit"
    ATTACH = "/submissions/{ref}/attachments"
    SUBMIT = "/submissions/{ref}/submit"
    FILE_FIELD = "file"
    DRAFT_FIELDS = {
        "title": "A lending library of warm coats, run by volunteers ({n})",
        "summary": "Volunteers collect, clean and lend winter coats through libraries and GP surgeries.",
        "description": "## How it works\n\nDrop-off points in libraries; a text message when a coat is ready.",
        "organisation": "0",  # "Myself"
        "eligibility_confirmed": "y",
        "terms_accepted": "y",
    }

    def __init__(self, base_url: str, outcome: Outcome, timeout: float = 60):
        self.base, self.outcome, self.timeout = base_url, outcome, timeout
        self.http = requests.Session()
        self.token = ""

    def _send(self, name: str, method: str, path: str, **kwargs) -> requests.Response | None:
        sent = time.time()
        try:
            answer = self.http.request(method, self.base + path, timeout=self.timeout, allow_redirects=False,
                                       **kwargs)
        except requests.RequestException as exc:
            self.outcome.steps.append(Step(name, sent, time.time(), 0, type(exc).__name__))
            return None
        self.outcome.steps.append(Step(name, sent, time.time(), answer.status_code))
        return answer

    def _page(self, name: str, path: str) -> requests.Response | None:
        answer = self._send(name, "GET", path)
        if answer is not None and answer.status_code == 200 and 'name="csrf_token"' in answer.text:
            self.token = csrf_token(answer.text)
        return answer

    def log_in(self, email: str, password: str) -> bool:
        if self._page("login form", self.LOGIN) is None:
            return False
        answer = self._send("log in", "POST", self.LOGIN,
                            data={"csrf_token": self.token, "email": email, "password": password})
        return answer is not None and answer.status_code in (302, 303)

    def start_draft(self, slug: str) -> bool:
        form = self._page("submit form", self.START.format(slug=slug))
        if form is None or form.status_code != 200:
            return self._refused(form)
        fields = {k: v.format(n=self.outcome.creator) for k, v in self.DRAFT_FIELDS.items()}
        answer = self._send("create draft", "POST", self.START.format(slug=slug),
                            data={"csrf_token": self.token, **fields})
        match = REFERENCE.search(answer.headers.get("Location", "")) if answer is not None else None
        if match is None:
            return self._refused(answer)
        self.outcome.reference = match.group(1)
        return True

    def upload(self, name: str, data: bytes) -> bool:
        answer = self._send("upload", "POST", self.ATTACH.format(ref=self.outcome.reference),
                            data={"csrf_token": self.token},
                            files={self.FILE_FIELD: (name, data, "application/pdf")})
        return (answer is not None and answer.status_code in (302, 303)) or self._refused(answer)

    def submit(self) -> bool:
        fields = {k: self.DRAFT_FIELDS[k] for k in ("eligibility_confirmed", "terms_accepted")}
        answer = self._send("submit", "POST", self.SUBMIT.format(ref=self.outcome.reference),
                            data={"csrf_token": self.token, **fields})
        if answer is None or answer.status_code not in (200, 302, 303):
            return self._refused(answer)
        page = answer if answer.status_code == 200 else self._send("receipt", "GET", _path(answer))
        if page is not None and page.status_code == 200 and SUCCESS_FLASH in page.text \
                and not any(flash in page.text for flash in ERROR_FLASHES):
            self.outcome.submitted = True
            return True
        return self._refused(page)

    def _refused(self, answer: requests.Response | None) -> bool:
        """Record why the server said no, following one redirect to the page that carries its message."""
        if answer is not None and answer.status_code in (302, 303):
            answer = self._send("refusal page", "GET", _path(answer)) or answer
        if answer is None:
            self.outcome.refused = "no answer"
            return False
        said = re.search(r'class="alert[^"]*"[^>]*>\s*(.*?)\s*<', answer.text or "", re.S)
        message = said.group(1) if said else ""
        self.outcome.refused = f"HTTP {answer.status_code}" + (f": {message}" if message else "")
        self.outcome.refusal_clear = 400 <= answer.status_code < 500 or bool(message) \
            or "closed" in (answer.text or "").lower()
        return False


def _path(answer: requests.Response) -> str:
    location = answer.headers.get("Location", "/")
    return "/" + location.split("/", 3)[3] if location.startswith("http") else location
