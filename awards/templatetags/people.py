"""{{ user|person_name }}: a person named as awards.people names them."""
from django import template

from ..people import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user):
    return _person_name(user)
