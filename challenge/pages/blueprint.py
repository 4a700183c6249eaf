"""The plain pages' blueprint; its views live in challenge/pages/views/."""
from flask import Blueprint

bp = Blueprint("pages", __name__)
