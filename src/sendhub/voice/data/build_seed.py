# ruff: noqa: E501  (the fragments below are data: one sentence a line)
"""Build seed_comments.jsonl, the shipped training set for the comment classifier.

The sentences below were written for SEND Hub (none is copied from real feedback). Each fragment carries its
themes and its polarity; a comment is one to four fragments about one child, with optional context and a
closing remark, written in different styles (lower case, missing apostrophes, typos, shouting). The labels follow
from the fragments: the union of their themes, and a sentiment from their polarities (negative wins a tie, as a
complaint that also thanks someone is still a complaint). The evaluation set (tests/data/voice_evaluation.jsonl)
was written separately by hand, in different words, and is never used here.

    python src/sendhub/voice/data/build_seed.py   # rewrites seed_comments.jsonl next to this file (seed 2026)
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

# polarity themes | text.  Polarity: - negative, 0 neutral, + positive.  Themes joined with "+", "." for none.
FRAGMENTS = r"""
- ehc_timeliness | We asked for an EHC needs assessment {months} months ago and still have not heard anything
- ehc_timeliness | the 20 week deadline came and went and nobody even apologised
- ehc_timeliness | {His} annual review was in {month} and the amended plan still hasn't been issued
- ehc_timeliness | It took {weeks} weeks to get a draft plan, way past the legal timescale
- ehc_timeliness | we are on week {weeks} of the assessment with no decision
- ehc_timeliness | The final plan arrived the day before {he} started at the new school, far too late to plan anything
- ehc_timeliness | every stage of the EHCP process is late, the council just ignores the statutory timescales
- ehc_timeliness | Still waiting for the decision on whether they will even assess {him}
- ehc_timeliness | the educational psychologist advice is holding everything up, they say there is a backlog of months
- ehc_timeliness | Annual reviews are supposed to be yearly but {his} last one was nearly two years ago
- ehc_timeliness | we had to threaten judicial review just to get the plan finalised
- ehc_timeliness | The draft came out on time but the final took another four months
- ehc_timeliness | Delays delays delays with the EHC plan
- 0 ehc_timeliness | How long does the EHC needs assessment usually take from the date of the request?
- 0 ehc_timeliness | We applied for an assessment in {month} and are waiting for the panel decision
- 0 ehc_timeliness | The annual review meeting is booked for next month
- + ehc_timeliness+praise | The plan was issued within 18 weeks which I did not expect, thank you to the team
- + ehc_timeliness | Our assessment was done well inside the 20 weeks and the plan came through quickly
- + ehc_timeliness+praise | Really pleased the annual review paperwork was turned round so fast this year
- ehc_quality | The plan is so vague it is useless, it says {he} will have access to support but not how many hours
- ehc_quality | half of the EHCP was copied and pasted from another child, it even had the wrong name in it
- ehc_quality | Section F doesn't specify or quantify anything so the school can just ignore it
- ehc_quality | the outcomes in {his} plan are generic and could apply to any child
- ehc_quality | None of the therapy advice made it into the final plan
- ehc_quality | the plan doesn't reflect {his} needs at all, it reads like they have never met {him}
- ehc_quality | We had to go to tribunal to get the provision written properly
- ehc_quality | the draft plan left out {his} sensory needs completely even though the OT report was clear
- ehc_quality | The wording says "would benefit from" everywhere instead of saying what {he} must get
- ehc_quality | The EHCP is out of date, it still describes {him} as a toddler
- ehc_quality | Nobody checked the plan before it was sent, there were mistakes on every page
- 0 ehc_quality | Can the plan include the speech and language advice as well as the school report?
- 0 ehc_quality | We have asked for section F to be amended after the review
- + ehc_quality+praise | The plan is detailed and really captures who {he} is, the caseworker clearly read every report
- + ehc_quality | For the first time the provision is specific and the school know exactly what to do
- + ehc_quality+praise | the new plan is brilliant, clear outcomes and proper hours of support written in
- communication | Nobody answers the phone at the SEND team and emails just get ignored
- communication | I feel like nobody is listening to us, we know our child best
- communication | We have had four different caseworkers this year and each one has to start again
- communication | The caseworker never rang back even though she promised to
- communication | I was spoken to like I was a nuisance for asking a simple question
- communication | Parents are treated as the problem instead of partners
- communication | Emails go unanswered for weeks and then we get a generic reply
- communication | we were not told about the panel meeting until after it had happened
- communication | I have to chase everything myself, nobody keeps us updated
- communication | The SENCO refuses to meet with us and blames us for {his} behaviour
- communication | it feels like a battle every single time and we are not heard
- communication | the council says one thing and the school says another and nobody talks to each other
- communication | Rude, dismissive and condescending, that was my experience of the SEND team
- communication | I have never once been asked what I think about {his} support
- 0 communication | Could someone please let me know who our new caseworker is?
- 0 communication | I would like to be kept updated by email rather than by phone
- 0 communication | Please can we have a named contact at the council
- + communication+praise | Our caseworker always phones back and explains everything clearly
- + communication+praise | For once I felt really listened to at the meeting
- + communication+praise | the SENCO keeps in touch every week and treats us as equal partners
- + communication | They took the time to explain what would happen next, which made a big difference
- health_waiting | The waiting list for an autism assessment is over two years
- health_waiting | We have been waiting {months} months for an ADHD assessment and there is no end in sight
- health_waiting | CAMHS rejected the referral and told us to try again in six months
- health_waiting | speech and language therapy is only offered as a block of six sessions then {he} is discharged
- health_waiting | There is no occupational therapy available, we were told the waiting list is closed
- health_waiting | we have paid to go private for the autism diagnosis because the NHS wait was too long
- health_waiting | The paediatrician appointment keeps getting cancelled
- health_waiting | still on the waiting list for SALT, {he} is nearly non verbal and needs help now
- health_waiting | CAMHS waiting times are a disgrace, {he} is getting worse every week
- health_waiting | We were referred to the neurodevelopmental pathway over a year ago and heard nothing
- health_waiting | the wheelchair service took eighteen months to provide a chair that no longer fits
- health_waiting | Physio has been stopped with no explanation
- health_waiting | The GP says there is nothing they can do about the wait for the ADHD clinic
- health_waiting | waiting lists for everything, autism, speech therapy, OT, the lot
- health_waiting | Medication reviews for {his} ADHD keep getting pushed back because there are no consultants
- 0 health_waiting | Is there any update on the waiting times for the autism assessment pathway?
- 0 health_waiting | {He} has been referred to speech and language therapy and is on the list
- 0 health_waiting | We have an appointment with the paediatrician in {month}
- + health_waiting+praise | The speech therapist has been wonderful and {he} is finally saying words
- + health_waiting | We were seen by the OT much quicker than we expected
- + health_waiting+praise | CAMHS have been fantastic since {he} was finally seen, the nurse is amazing
- + health_waiting | The autism assessment was thorough and the report was really helpful
- school_inclusion | {He} has been on a part time timetable for over a year, just two hours a day
- school_inclusion | The school keeps excluding {him} for behaviour that comes from {his} autism
- school_inclusion | {His} school says they cannot meet {his} needs and want {him} to leave
- school_inclusion | {He} was not allowed on the school trip because there wasn't enough staff
- school_inclusion | The school rang me to collect {him} early nearly every day last term
- school_inclusion | {He} spends most of the day in the corridor or in isolation
- school_inclusion | the teachers have no training in autism or ADHD and it shows
- school_inclusion | The support in {his} plan is not being delivered, the TA is used for the whole class
- school_inclusion | {He} has been out of school for {months} months because of anxiety and nothing is being done
- school_inclusion | They suggested home education as if it was a choice
- school_inclusion | the school is punishing {him} for not coping rather than making reasonable adjustments
- school_inclusion | {He} was off-rolled, they told us to take {him} out before they excluded {him}
- school_inclusion | The behaviour policy is rigid and doesn't allow for any difference
- school_inclusion | {His} 1:1 was taken away without anyone telling us
- school_inclusion | {He} can't attend because of school based anxiety and the school marks it as truancy
- 0 school_inclusion | {He} is in a mainstream primary with some support from a TA
- 0 school_inclusion | We have a meeting with the school next week about {his} timetable
- 0 school_inclusion | The school has asked for an EP visit to look at {his} needs in class
- + school_inclusion+praise | {His} primary school has been amazing, they adapt everything so {he} can join in
- + school_inclusion+praise | The SENCO at {his} school is a star, {he} is happy and included
- + school_inclusion | {He} went on the residential with the rest of the class for the first time ever
- + school_inclusion+praise | The school have made a quiet room and a movement break plan and it has transformed {his} days
- specialist_places | There are no special school places anywhere in the county
- specialist_places | {He} needs a specialist place but every special school we asked says they are full
- specialist_places | We have been told {he} will have to travel to a school out of the area because there is nothing local
- specialist_places | {He} has been without a suitable school place since {month}
- specialist_places | We had to go to tribunal to get a place at the independent special school
- specialist_places | The LA insisted on a mainstream school that had already turned {him} down
- specialist_places | there are no SEMH places for secondary age children
- specialist_places | the resource base is full and there is a waiting list for specialist provision
- specialist_places | We were offered a place at a special school an hour away, which is ridiculous for a six year old
- specialist_places | The council consulted with twelve schools and all of them refused
- specialist_places | Specialist provision for autistic children who are academically able simply doesn't exist here
- 0 specialist_places | We are waiting to hear if {he} has a place at the special school for September
- 0 specialist_places | The council is consulting with special schools for {him}
- 0 specialist_places | How are places at the new special school going to be allocated?
- + specialist_places+praise | {He} has finally got a place at the special school and is thriving
- + specialist_places | The new autism base at the secondary school has been a lifeline
- + specialist_places+praise | Moving to the special school is the best thing that ever happened to {him}, the staff are incredible
- transition | The move to secondary school was planned far too late and {he} fell apart
- transition | nobody has talked to us about what happens when {he} turns 18
- transition | Preparing for adulthood is just a phrase, there is no actual plan for {his} future
- transition | There is nothing for young people after college, {he} will just be sat at home
- transition | The transition from children's to adult services is a cliff edge
- transition | {His} college place was only confirmed in August, we had no time to prepare {him}
- transition | {He} was moved to a new class with no transition visits at all
- transition | There was no handover between the primary and the secondary, they knew nothing about {him}
- transition | Post 16 options are very limited for young people with complex needs
- transition | We were told adult social care will reassess {him} at 18 and the support may stop
- transition | no one has explained supported internships or what options there are for work
- 0 transition | What support is available for {him} moving from primary to secondary next year?
- 0 transition | {He} starts college in September and we are meeting the learning support team
- 0 transition | We would like information on supported internships for when {he} leaves school
- + transition+praise | The transition to high school was really well planned with lots of extra visits
- + transition | {He} settled into college better than we ever hoped thanks to the taster days
- + transition+praise | The preparing for adulthood worker has been brilliant at looking at options after school
- transport | The school taxi was late every day for the first two weeks of term
- transport | Transport was refused because we live just under the distance limit
- transport | {He} has had five different drivers this term and it causes huge anxiety
- transport | The transport application was lost and {he} has missed school as a result
- transport | there was no escort on the bus and {he} was distressed by the time {he} got to school
- transport | We were told to take {him} ourselves and claim mileage but I don't drive
- transport | The journey to school takes over an hour each way on the minibus
- transport | Transport was arranged to the wrong address for three days
- transport | {He} is picked up at 7am for a school that starts at 9
- transport | nobody told us the taxi company had changed
- transport | The travel assistance team do not answer the phone
- 0 transport | What is the deadline to apply for September transport?
- 0 transport | {He} travels to school by taxi with an escort
- 0 transport | Can transport be arranged for college as well?
- + transport+praise | The taxi driver and escort are lovely and {he} looks forward to seeing them
- + transport | Travel training has given {him} real independence, {he} now gets the bus on {his} own
- + transport+praise | The transport team sorted out the new route really quickly, thank you
- short_breaks | We have had no respite for over a year and we are exhausted
- short_breaks | Short breaks have been cut and there is nothing in the holidays
- short_breaks | The social care assessment said we don't meet the threshold even though we are struggling
- short_breaks | direct payments are useless when there are no personal assistants to employ
- short_breaks | The disabled children's social work team can't assess us for months
- short_breaks | There are no holiday clubs that can cope with {his} needs
- short_breaks | the overnight short breaks unit is closing and nothing is replacing it
- short_breaks | We asked for a carers assessment months ago and heard nothing
- short_breaks | The social worker changed three times and the care package never started
- short_breaks | Our direct payment was reduced without any review
- short_breaks | There is no support at weekends and we have no family to help
- 0 short_breaks | What is the process to be assessed for short breaks?
- 0 short_breaks | We receive direct payments for a few hours a week
- 0 short_breaks | Are there any summer holiday activities for disabled children in our area?
- + short_breaks+praise | The short breaks club is fantastic, {he} loves it and we get a few hours to recharge
- + short_breaks+praise | Our social worker has been a lifeline for the whole family
- + short_breaks | The holiday scheme was well run and staff understood {his} needs
- information | The Local Offer is a nightmare to search
- information | Nobody mentioned that parents can request an assessment directly
- information | There is no clear information about what support is available
- information | Everything is full of jargon and acronyms that parents don't understand
- information | The information on the website is out of date and the links don't work
- information | I found out about short breaks from another parent, not from any professional
- information | we had no idea what our rights were until we found SENDIASS
- information | The leaflets we were given don't explain the process at all
- information | It is so hard to find out who to contact about anything
- information | Nobody explained what happens after diagnosis, we were just given a leaflet and sent home
- information | the Local Offer lists services that closed years ago
- 0 information | Where can I find a list of the clubs and activities on the Local Offer?
- 0 information | Is there a guide to the EHC process for parents?
- 0 information | Could the website have information in other languages?
- + information+praise | SENDIASS were brilliant at explaining our rights
- + information | The new Local Offer pages are much easier to use
- + information+praise | The parent carer forum information sessions were really helpful
- + information | The guide to the EHCP process was clear and easy to follow
- communication | I left messages with the duty officer and not one was returned
- communication | we only hear from them when we complain
- communication | The letters from the council are full of legal threats and never answer our questions
- communication | I've had to explain {his} history again to yet another new officer
- communication | there is no one to talk to, the inbox is never checked
- communication | They made the decision without asking us and told us by letter
- communication | The staff were dismissive when I raised concerns and said I was overreacting
- communication | We get no updates at all about what is happening
- communication+school_inclusion | The school won't return my calls about {his} timetable
- communication | Our complaint has been ignored for months
- + communication+praise | The team manager rang to apologise and sorted it out, I felt respected
- + communication+praise | They always reply to emails promptly and are honest with us
- school_inclusion | {He} is made to work in a room away from {his} class with only a TA for company
- school_inclusion | They phone me to come and get {him} most lunchtimes
- school_inclusion | {He} isn't allowed to go to clubs or on trips because there is no one to support {him}
- school_inclusion | The school suggested we keep {him} at home on bad days
- school_inclusion | Staff don't understand neurodiversity at all
- school_inclusion | {He} has missed months of education and nobody seems to care
- school_inclusion | {His} attendance is being used against us when {he} is too anxious to go in
- + school_inclusion+praise | {His} teachers have bent over backwards to include {him}
- + school_inclusion+praise | The head teacher really gets {him} and {he} is thriving in class
- ehc_quality | The provision in the plan is not specific so nobody can be held to it
- ehc_quality | {His} medical needs are missing from the plan entirely
- ehc_quality | We asked for changes to the draft and none of them were made
- ehc_quality | The plan is full of errors and out of date information
- ehc_quality | the hours of support are not written into the plan
- ehc_quality | The amended plan still says the wrong things about {him}
- + ehc_quality+praise | The plan finally reflects {him} properly and says exactly what support {he} gets
- ehc_timeliness | The plan was supposed to come in {month} and it still hasn't arrived
- ehc_timeliness | We are way past the deadline for the final plan
- ehc_timeliness | It has been {months} months since the annual review and the paperwork has not come back
- ehc_timeliness | The assessment has overrun because the reports were late
- ehc_timeliness | they keep missing every deadline
- health_waiting | {He} was discharged from speech therapy even though {he} still needs it
- health_waiting | The appointment with the consultant has been cancelled again
- information | We didn't know where to go or who to ask
- information | Nobody told us what our options were
- transition | {He} had a terrible start at high school because nothing was passed on
- specialist_places | {He} is out of school with no placement while the council looks for a specialist setting
- + praise | The staff are absolute stars
- + praise | Thank you so much for everything
- sg | I am at breaking point and can't cope any more
- sg+short_breaks | Without respite I honestly can't cope anymore, I'm scared of what I might do
- sg+school_inclusion | Staff restrained {him} and {he} had bruises afterwards
- sg+health_waiting | {He} is self harming and CAMHS still won't see {him}
- sg+health_waiting | {He} has talked about wanting to die and we are still on the CAMHS waiting list
- sg+school_inclusion | {He} ran away from school and was found near the main road
- sg | There is often no food in the house by the end of the month
- sg+short_breaks | {His} brother hurts {him} when he is overwhelmed and we have no support
+ praise | A huge thank you to everyone who has supported us
- + praise | {His} teacher, Mrs [NAME], goes above and beyond
- + praise | the staff are kind and patient and really care
- + praise | I just wanted to say thank you, we couldn't have got through this year without you
- + praise | [NAME] from the SEND team has been amazing
- + praise | Fantastic service, could not fault it
- + praise | We are so grateful for everything the team has done
- + praise | The support we have had has been outstanding
- + praise | Everyone we have dealt with has been kind and helpful
- + praise | Credit where it is due, things have really improved this year
"""

# A second set, written later by a different hand for issue 17: more ways of complaining about communication, plan
# quality and information, complaints joined to timeliness, and sarcasm ("sarc": negative, never praise).
FRAGMENTS_2 = r"""
- communication | I must have sent a dozen emails and had not a single answer
- communication | the duty line rings out every time I try it
- communication | Every time I ring I am told the officer is in a meeting and will call me, and they never do
- communication | we were left in the dark for months about what was happening
- communication | The council only ever writes to us in formal letters that don't answer anything
- communication | nobody bothered to tell us the caseworker had gone on long term sick
- communication | My calls are never returned and the voicemail is always full
- communication | I had to put in a formal complaint just to get somebody to reply
- communication | they say co-production is a priority yet parents are an afterthought
- communication | I feel fobbed off every time I ask a question
- communication | the officer promised to ring by the end of the week and I'm still waiting
- communication | Meetings get cancelled at the last minute and nobody explains why
- communication | Decisions are made about {him} behind closed doors without us
- communication | nobody has the courtesy to acknowledge an email
- communication | the messages I leave at reception seem to vanish
- communication | we are passed from one department to another and nobody takes responsibility
- communication | Our views were written down at the review and then completely ignored
- communication | I feel patronised whenever I speak to the SEN team
- communication+ehc_timeliness | The plan is late and nobody will even ring to tell us why
- communication+ehc_timeliness | I chase the assessment every week and get no updates at all
- communication+ehc_timeliness | We are past 20 weeks and I still can't get anyone at the council on the phone
- communication+ehc_timeliness | The annual review paperwork never came back and my emails about it are ignored
- communication+ehc_timeliness | nobody returns my calls about when the final plan will be issued
- communication+ehc_timeliness | weeks go by with no word on the EHC plan and the caseworker doesn't answer
- communication+ehc_timeliness | the deadline for the draft plan passed and not one person contacted us
- communication+health_waiting | The clinic moved {his} appointment without telling us
- communication+health_waiting | CAMHS never write back and we don't know if {he} is still on the list
- communication+school_inclusion | School only ring me when there is a problem, never to say what support {he} is getting
- communication+school_inclusion | The SENCO won't reply to emails about {his} support in class
- communication+transport | The transport office never picks up and the taxi still hasn't come
- communication+short_breaks | I have asked the short breaks team three times for an update and heard nothing
- communication+ehc_quality | Our comments on the draft were ignored and nobody explained why
- communication+specialist_places | Nobody will tell us where {he} is on the list for a special school
- communication+transition | no one from adult services has been in contact even though {he} is nearly 18
- 0 communication | Could the caseworker ring me on my mobile rather than the landline?
- 0 communication | I'd prefer updates by text message
- 0 communication | who do I contact now our officer has left?
- + communication+praise | The new caseworker rings back the same day and keeps us in the loop
- + communication+praise | {His} key worker at the council is responsive and honest with us
- + communication+praise | The team listened to us properly this time and it made all the difference
- + communication+praise | I got a reply within a day, which never used to happen
- ehc_quality | The plan is woolly and doesn't commit to anything
- ehc_quality | the provision isn't quantified, it just says support as needed
- ehc_quality | The therapist's recommendations never made it into section F
- ehc_quality | The plan describes a child I don't recognise
- ehc_quality | the outcomes are copied from last year word for word
- ehc_quality | Section B is wrong about {his} diagnosis and they refuse to correct it
- ehc_quality | The EHCP has the wrong date of birth and the wrong school in it
- ehc_quality | The health and care sections of the plan are empty
- ehc_quality | there's no mention of {his} medical needs anywhere in the plan
- ehc_quality | The plan says "access to" support but never how much or who from
- ehc_quality | Professional reports weren't taken into account when writing the plan
- ehc_quality+ehc_timeliness | The plan arrived long after the deadline and riddled with errors
- ehc_quality+school_inclusion | School say they can't follow the plan because it doesn't specify anything
- + ehc_quality+praise | The plan is specific and quantified, and the school are following it
- + ehc_quality+praise | whoever wrote {his} plan clearly read every report, it's spot on
- 0 ehc_quality | We are reading the draft plan and will send comments next week
- information | I had no idea what support was out there until another parent told me
- information | The Local Offer is a maze and half the information is out of date
- information | nobody explained what an EHC needs assessment was or how to ask for one
- information | I've had to learn the law myself from online forums
- information | the council website is confusing and full of jargon
- information | It's impossible to find out who is responsible for what
- information | We weren't told we could appeal the decision
- information | Nobody told us about direct payments or what they could be used for
- information | I couldn't find any information about what happens after school finishes
- information | the leaflets we were given are years old and the phone numbers don't work
- information | There is no clear guide for parents about the process
- information+short_breaks | We found out about short breaks by accident years after we could have used them
- information+transport | the transport eligibility rules are not explained anywhere I can find
- information+health_waiting | No one could tell us how long the waiting list was or what to do in the meantime
- 0 information | Is there a list of local support groups?
- 0 information | Where can I find the SEND policy for post 16 transport?
- + information+praise | The parent carer forum newsletter tells us everything we need to know
- + information+praise | The SENDIASS adviser explained our options clearly and patiently
- + information+praise | The Local Offer website has improved loads and is easy to search now
- ehc_timeliness | we have been waiting {months} months for the plan to be finalised
- ehc_timeliness | it is now week {weeks} and there is still no draft plan
- ehc_timeliness | The needs assessment has dragged on for well over a year
- ehc_timeliness | The decision on whether to assess took far longer than six weeks
- ehc_timeliness | our annual review was held months late and the amendments are still outstanding
- health_waiting | the wait for an ADHD assessment here is over two years
- health_waiting | We've been on the waiting list for the autism pathway since {he} was in reception
- health_waiting | OT have a waiting list of eighteen months
- health_waiting | the physio appointments stopped and we were never told why
- school_inclusion | {He} is on a part time timetable with no plan to increase it
- school_inclusion | School phone to collect {him} early most days saying they cannot manage
- school_inclusion | {He} was excluded again for behaviour linked to {his} needs
- school_inclusion | the school don't follow the strategies in {his} plan
- school_inclusion | {He} spends most of the day out of class in a corridor
- specialist_places | There are no specialist places left anywhere in the county
- specialist_places | we have been told to wait a year for a special school place
- specialist_places | the only place offered is over an hour away
- transition | nobody has talked to us about what happens when {he} leaves school
- transition | the move to secondary school was not planned at all
- transition | Preparing for adulthood is never discussed at reviews
- transport | the taxi is late most mornings so {he} misses the start of the day
- transport | we were refused school transport even though {he} can't travel alone
- transport | the bus escort changes all the time and {he} gets upset
- short_breaks | We have had no respite at all this year
- short_breaks | there are no holiday clubs that can take {him}
- short_breaks | we were assessed for short breaks but never got anything
- + praise | Thank you to the team, they have been wonderful
- + school_inclusion+praise | The school have worked so hard to include {him} in everything
- + health_waiting+praise | The speech therapist has been a real help this year
- + transport+praise | {His} driver is reliable and kind
- + short_breaks+praise | The respite service has been a lifeline for us
- + transition+praise | The move to college was well planned and {he} settled quickly
- + specialist_places+praise | {He} got a place at the specialist school and is so much happier
- + ehc_timeliness+praise | the final plan came through ahead of the deadline
- sarc communication | Oh great, yet another automated email telling me nothing
- sarc communication | Brilliant, a new caseworker again, that's the third one this year
- sarc communication | Fantastic service, if you like talking to an answerphone
- sarc communication | Lovely to be ignored for another month
- sarc ehc_timeliness | Wonderful, another letter extending the deadline
- sarc ehc_timeliness | Great news, the plan is only four months late now
- sarc ehc_quality | Well done, a plan with someone else's child's name in it
- sarc school_inclusion | Super, another exclusion letter, really helpful
- sarc transport | Amazing, the taxi didn't come again
- sarc health_waiting | Great, the waiting list has gone up to three years
- sarc information | Very helpful website, if you already know what you're looking for
- sarc short_breaks | Thanks ever so much for the two hours of respite a year
- 0 communication | Can the SEN team let me know the best time to call?
- 0 communication | I'm waiting to hear back after my call on Monday
- 0 communication | Please send letters to both parents as we live apart
- 0 communication | We've asked for a meeting with the caseworker to go through things
- 0 ehc_timeliness | The draft plan arrived last week and we're going through it
- 0 ehc_timeliness | the council agreed to assess and the reports are being gathered
- 0 ehc_timeliness | Our request for an assessment went in at the start of term
- 0 ehc_quality | We'd like the plan to say more about {his} sensory needs
- 0 health_waiting | {He} is under the community paediatrician and has a review in the spring
- 0 health_waiting | We were referred to speech and language therapy in the autumn
- 0 health_waiting | the referral to the neurodevelopmental pathway has been accepted
- 0 school_inclusion | {He} has a one page profile that school use
- 0 school_inclusion | {He} is in a mainstream class with some small group work
- 0 school_inclusion | The school have applied for top up funding
- 0 school_inclusion | we have a meeting with the SENCO next week
- 0 specialist_places | We have visited two special schools and liked both
- 0 specialist_places | the panel will consider {his} placement next month
- 0 transition | {He} will be moving up to high school in September
- 0 transition | We're looking at colleges for next year
- 0 transport | {He} travels to school by minibus
- 0 transport | Is there a deadline for applying for college transport?
- 0 short_breaks | We get a few hours of short breaks a month
- 0 short_breaks | How do we ask for a carer's assessment?
- 0 information | Could you tell me where to find the SEND ranges?
- 0 information | I'd like a copy of the local authority's SEND strategy
- 0 information | We read the Local Offer before the meeting
- + communication+praise | I can't fault the way the caseworker kept us informed
- + communication+praise | Nothing was too much trouble for the officer who handled our case
- + communication+praise | we never had to chase anyone, they rang us every fortnight
- + school_inclusion+praise | I couldn't ask for a better school, {he} is included in everything
- + school_inclusion+praise | {His} class teacher has made such a difference, {he} is happy to go in now
- + school_inclusion+praise | The nursery staff have bent over backwards for {him}
- + short_breaks+praise | I'm not exaggerating when I say the short breaks have kept us going
- + health_waiting+praise | I can't thank the physio enough for all {his} help
- + transport+praise | The bus escort couldn't be kinder to {him}
- + praise | Honestly we can't say enough good things about the team
- + ehc_timeliness+praise | There was no delay at all this time, the plan arrived on time
- communication | it's like talking to a brick wall
- communication | no one ever gets back to you unless you threaten to complain
- communication | I get a different answer from every person I speak to at the council
- communication | the caseworker never reads what we send
- communication | Getting hold of anyone in the SEND team is near impossible
- communication | We are never asked what we think, just told what is happening
- communication | Letters arrive addressed to the wrong parent and with the wrong child's details
- communication | I was hung up on when I asked to speak to a manager
- communication | The school and the council blame each other and neither of them speaks to us
- communication | they said they'd write to confirm and nothing ever arrived
- communication | I was promised an update after panel and I had to find out the result myself
- communication+school_inclusion | The head won't meet with us to talk about {his} support
- communication+school_inclusion | the school didn't tell us {he} had been taken out of lessons for weeks
- communication+transport | Nobody told us the taxi route had changed
- communication+health_waiting | The hospital never sent the letter to school so nothing was put in place
- school_inclusion | The school won't put any support in place until there's a diagnosis
- school_inclusion | {He} was left out of the school trip because of {his} needs
- school_inclusion | teachers have had no training in autism or ADHD
- school_inclusion | {He} keeps getting detentions and isolations for things {he} can't help
- school_inclusion | the school don't have the staff to support {him} at lunchtime
- school_inclusion | {He} is being bullied at school and the staff don't step in
- school_inclusion | The SENCO is part time and impossible to get hold of
- school_inclusion | We've been told {he} would be better off somewhere else
- school_inclusion | the school keep fining us for attendance when {he} is too anxious to go
- school_inclusion | {His} support hours in school have been cut without any discussion
- school_inclusion+specialist_places | Mainstream can't meet {his} needs but there is nowhere else for {him} to go
- school_inclusion+health_waiting | School say they can't help until CAMHS have seen {him}, and CAMHS have a year long list
- ehc_quality | the plan uses the same sentences as last year's plan
- ehc_quality | Nothing in the plan is measurable
- ehc_quality | the plan got {his} age and year group wrong
- information | nobody signposts you to anything, you find it all yourself
- information | There's no single place to find out what help there is
- information | We didn't know about the disability living allowance until years later
- information | the letters use so many acronyms that I can't follow them
"""

OPENERS = [
    "0 | My {age} year old {childword} is autistic.",
    "0 | I am writing about my {childword} who has an EHCP.",
    "0 | My {childword} is {age} and has ADHD and anxiety.",
    "0 | We have two children with SEND.",
    "0 | I'm a single parent of three, my eldest has complex needs.",
    "0 | {Child} is in Year {year} and has Down syndrome.",
    "0 | I am a foster carer.",
    "0 | I'm a grandparent and kinship carer for my {childword}.",
    "0 | My {childword} has cerebral palsy and uses a wheelchair.",
    "0 | Speaking as a teaching assistant,",
    "0 | As a SENCO in a primary school,",
    "0 | I am a young person with an EHCP.",
    "- | Where do I start.",
    "- | I am so angry I can barely type this.",
    "- | This is my third complaint this year.",
    "+ | I wanted to share something positive.",
    "0 | Just some feedback.",
    "p | Thank you for asking for our views, but",
    "p | I appreciate everyone is under pressure, but",
    "p | With the greatest respect,",
    "p | I don't like to complain, however",
    "p | Thanks for the survey. Honestly though,",
    "p | I know staff are doing their best, but",
    "p | Sorry to be negative, but",
]
CLOSERS = [
    "- | We are exhausted.",
    "- | It shouldn't be this hard.",
    "- | The whole system is broken.",
    "- | I feel like giving up.",
    "- | Totally let down.",
    "- | Shocking.",
    "- | Not good enough.",
    "- | I am at my wits end.",
    "- | Something needs to change.",
    "0 | Thank you for asking for feedback.",
    "0 | I hope this helps.",
    "0 | That's all.",
    "+ | Thank you.",
    "+ | Keep up the good work.",
    "+ | Much appreciated.",
]
STANDALONE = [
    "0 . | Nothing to say really",
    "0 . | Nothing further from me",
    "0 . | n/a",
    "0 . | Not sure",
    "0 . | I don't have anything else to say at the moment",
    "- . | Terrible.",
    "- . | Awful experience from start to finish",
    "- . | The worst year of our lives",
]
CONNECTIVES = [". ", ". ", ". ", ". Also, ", " and ", ". ", ". On top of that, ", ". Plus ", "; ", ", "]
CONTRAST = [" but ", ". However, ", ". On the other hand ", ", although ", ". That said, "]
TYPO_RATE = 0.25


def parse(block: str):
    items = []
    for line in block.strip().splitlines():
        head, text = line.split("|", 1)
        tokens = head.split()
        polarity, themes = tokens[-2:]  # "- 0 theme": a list dash before the polarity is allowed
        if polarity == "sarc":  # sarcasm: praise words, a complaint meant
            polarity = "-"
        if polarity not in ("-", "0", "+"):
            polarity = "-"
        labels = [] if themes == "." else themes.split("+")
        if polarity == "+" and labels and "praise" not in labels:
            labels.append("praise")  # anything good said about a service or person is praise (see the docs)
        items.append((polarity, labels, text.strip()))
    return items


def fill(text: str, child: dict, rng: random.Random) -> str:
    values = {
        "he": child["he"],
        "He": child["he"].capitalize(),
        "him": child["him"],
        "his": child["his"],
        "His": child["his"].capitalize(),
        "months": str(rng.choice([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 18, 20, 22])),
        "weeks": str(rng.choice([22, 24, 26, 28, 30, 34, 38, 40, 45, 52])),
        "month": rng.choice(["January", "February", "March", "April", "June", "September", "October", "November"]),
        "age": str(rng.randint(4, 19)),
        "year": str(rng.randint(1, 11)),
        "childword": child["word"],
        "Child": child["name"],
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], text)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def style(text: str, rng: random.Random) -> str:
    if rng.random() < 0.15:
        text = dialect(text, rng)
    if rng.random() < TYPO_RATE:
        words = text.split(" ")
        for _ in range(rng.randint(1, 3)):
            j = rng.randrange(len(words))
            words[j] = typo(words[j], rng)
        text = " ".join(words)
    r = rng.random()
    if r < 0.12:
        text = text.lower()
    elif r < 0.2:
        text = text.replace("'", "")
    elif r < 0.23:
        text = text.upper()
    if rng.random() < 0.1:
        text = text.rstrip(".") + rng.choice(["!!", "!", "!!!", " :(", "..."])
    return text


def sentiment(polarities: list[str], extra: tuple[str, ...] = ()) -> str:
    """Negative, mixed, neutral or positive from the fragments' polarities.

    A comment with a positive fragment (something named and praised) and a negative one is mixed. Openers and
    closers ("Thank you.", "Thank you for asking, but") are politeness: they decide only when every fragment is
    neutral, and only a negative one moves it ("Shocking.").
    """
    neg, pos = "-" in polarities, "+" in polarities
    if neg and pos:
        return "mixed"
    if neg:
        return "negative"
    if pos:
        return "positive"
    return "negative" if "-" in extra else "neutral"


DIALECT = [
    (r"\bmy son\b", "our lad"),
    (r"\bmy daughter\b", "our lass"),
    (r"\bnothing\b", "nowt"),
    (r"\banything\b", "owt"),
    (r"\bsomething\b", "summat"),
    (r"\bhe was\b", "he were"),
    (r"\bshe was\b", "she were"),
    (r"\bit was\b", "it were"),
    (r"\bmyself\b", "meself"),
    (r"\bvery\b", "reyt"),
    (r"\bin the\b", "int"),
    (r"\bthe school\b", "t'school"),
]


def dialect(text: str, rng: random.Random) -> str:
    for pattern, replacement in DIALECT:
        if rng.random() < 0.7:
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text


CHILDREN = [
    {"word": "son", "he": "he", "him": "him", "his": "his", "name": "[NAME]"},
    {"word": "daughter", "he": "she", "him": "her", "his": "her", "name": "[NAME]"},
    {"word": "grandson", "he": "he", "him": "him", "his": "his", "name": "My grandson"},
    {"word": "little boy", "he": "he", "him": "him", "his": "his", "name": "Our youngest"},
    {"word": "girl", "he": "she", "him": "her", "his": "her", "name": "My daughter"},
]


def build(count: int = 3000, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    fragments = parse(FRAGMENTS) + parse(FRAGMENTS_2)
    openers = [(p.strip(), t.strip()) for p, t in (o.split("|", 1) for o in OPENERS)]
    closers = [(p.strip(), t.strip()) for p, t in (c.split("|", 1) for c in CLOSERS)]
    standalone = parse("\n".join(STANDALONE))
    by_theme: dict[str, list] = {}
    for fragment in fragments:
        by_theme.setdefault(fragment[1][0] if fragment[1][0] != "sg" else "sg", []).append(fragment)
    rows = []
    # Every fragment appears at least once on its own, so each wording is seen.
    for polarity, themes, text in fragments:
        child = rng.choice(CHILDREN)
        rows.append({"text": style(fill(text, child, rng) + ".", rng), "themes": sorted(set(themes) - {"sg"}),
                     "sentiment": sentiment([polarity]), "safeguarding": "sg" in themes})
    for polarity, themes, text in standalone:
        rows.append({"text": text, "themes": themes, "sentiment": sentiment([polarity]), "safeguarding": False})
    polite = [o for o in openers if o[0] == "p"]
    while len(rows) < count:
        child = rng.choice(CHILDREN)
        n = rng.choices([1, 2, 3, 4], weights=[30, 42, 21, 7])[0]
        mood = rng.choices(["-", "+", "0", "mixed"], weights=[44, 18, 16, 22])[0]
        theme_keys = rng.sample(sorted(set(by_theme) - {"sg"}), k=n)
        chosen = []
        for key in theme_keys:
            pool = [f for f in by_theme[key] if mood == "mixed" or f[0] == mood] or by_theme[key]
            chosen.append(rng.choice(pool))
        if rng.random() < 0.03:
            chosen.insert(rng.randrange(len(chosen) + 1), rng.choice(by_theme["sg"]))
        parts, polarities, extra, themes, flagged = [], [], [], set(), False
        lead = ""
        if mood == "-" and rng.random() < 0.25:
            lead = rng.choice(polite)[1] + " "  # "Thank you for asking, but the plan is late": still negative
        elif rng.random() < 0.3:
            p, t = rng.choice([o for o in openers if o[0] in ("0", mood)])
            parts.append(fill(t, child, rng))
            extra.append(p)
        for i, (polarity, fragment_themes, text) in enumerate(chosen):
            sentence = fill(text, child, rng)
            joiner = ". "
            if i > 0:
                previous = chosen[i - 1][0]
                if {previous, polarity} == {"-", "+"} or ((previous, polarity) == ("0", "-") and rng.random() < 0.4):
                    joiner = rng.choice(CONTRAST)  # "They offered a place but the LA won't fund it": still negative
                else:
                    joiner = rng.choice(CONNECTIVES)
            if lead:
                keep = sentence.startswith(("I ", "I'", "CAMHS", "SEN", "EHC", "SALT", "[NAME]", "Mrs"))
                parts.append(lead + (sentence if keep else sentence[0].lower() + sentence[1:]))
                lead = ""
            elif not parts:
                parts.append(sentence)
            elif joiner == ". " or parts[-1].endswith("?"):
                parts[-1] = parts[-1].rstrip(".") + "."
                parts.append(sentence[0].upper() + sentence[1:])
            else:
                keep = sentence.startswith(("I ", "I'", "CAMHS", "SEN", "EHC", "SALT", "[NAME]", "Mrs"))
                sentence = sentence if keep else sentence[0].lower() + sentence[1:]
                parts[-1] = parts[-1].rstrip(".") + joiner.rstrip(" ")
                parts.append(sentence)
            polarities.append(polarity)
            sg = "sg" in fragment_themes
            themes.update(t for t in fragment_themes if t != "sg")
            flagged = flagged or sg
        if rng.random() < 0.35:
            p, t = rng.choice([c for c in closers if c[0] == mood or (mood == "mixed" and c[0] != "0")] or closers)
            parts[-1] = parts[-1].rstrip(".") + "."
            parts.append(t)
            extra.append(p)
        text = " ".join(parts)
        if not text.endswith((".", "!", "?")):
            text += "."
        rows.append({"text": style(text, rng), "themes": sorted(themes), "sentiment": sentiment(polarities, tuple(extra)),
                     "safeguarding": flagged})
    return rows


def main() -> None:
    rows = build()
    out = Path(__file__).with_name("seed_comments.jsonl")
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} comments to {out}")


if __name__ == "__main__":
    main()
