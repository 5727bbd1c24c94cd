import { opts, packs, type RootCategory } from './types.ts';

const tubSizes = opts('volume', ['30ml', '50ml', '100ml'], [1, 1.5, 2.4]);
const shades = opts('shade', ['01 Rosy Nude', '02 Brick Red', '03 Warm Beige', '04 Mocha', '05 Coral']);
const tablets = opts('count', ['30 Tablets', '60 Tablets', '120 Tablets'], [1, 1.8, 3.2]);

export const beauty: RootCategory = {
  slug: 'health-beauty',
  name: 'Health & Beauty',
  code: 'BEAU',
  children: [
    {
      slug: 'skincare',
      name: 'Skincare',
      code: 'SKN',
      count: 44,
      price: [590, 8990],
      lines: [
        { brands: ['Wardah'], items: ['Lightening Day Cream', 'Hydra Rose Serum', 'Sunscreen Gel SPF 35', 'Acne Calming Toner'], attrs: { origin: 'Indonesia', halal: true } },
        { brands: ['Somethinc'], items: ['Niacinamide Serum', 'Ceramide Moisturiser', 'Retinol Night Serum'], attrs: { origin: 'Indonesia' } },
        { brands: ['Safi'], items: ['Rania Gold Cream', 'Age Defy Serum', 'Gentle Facial Wash'], attrs: { origin: 'Malaysia', halal: true } },
        { brands: ['Skintific'], items: ['5X Ceramide Barrier Gel', 'Mugwort Clay Mask'], attrs: { origin: 'Indonesia' } },
        { brands: ['Snail White'], items: ['Facial Cream', 'Gold Serum', 'Whitening Sleeping Mask'], attrs: { origin: 'Thailand' } },
        { brands: ['Cocoon'], items: ['Winter Melon Toner', 'Dak Lak Coffee Body Scrub'], attrs: { origin: 'Vietnam', vegan: true } },
      ],
      variants: [tubSizes],
      descriptions: [
        '{name}, lightweight and non-sticky for humid weather.',
        'The {brand} {item} hydrates and brightens without clogging pores.',
        'A gentle {item} from {brand}, dermatologist-tested for sensitive skin.',
      ],
      extras: ['Suitable for all skin types.', 'Fragrance-free and cruelty-free.'],
    },
    {
      slug: 'makeup',
      name: 'Makeup',
      code: 'MKP',
      count: 40,
      price: [490, 6990],
      lines: [
        { brands: ['Wardah'], items: ['Colorfit Lip Cream', 'Exclusive Matte Lip'], attrs: { halal: true } },
        { brands: ['Make Over'], items: ['Powerstay Foundation', 'Hydrastay Lip Mousse'] },
        { brands: ['Mistine'], items: ['Wings Liquid Eyeliner', 'Cushion Foundation'] },
        { brands: ['Y.O.U'], items: ['Colorland Lip Tint'] },
        { brands: ['Maybelline'], items: ['Superstay Matte Ink', 'Fit Me Foundation'] },
        { brands: ['Silky Girl'], items: ['Long-Wear Lip Liner'] },
      ],
      variants: [shades],
      descriptions: [
        '{name}: long-wearing colour that survives heat, humidity and a bowl of laksa.',
        'The {brand} {item} glides on smoothly and stays put for up to 12 hours.',
        'Shades made for Southeast Asian skin tones, from {brand}.',
      ],
      extras: ['Transfer-proof.', 'Not tested on animals.'],
    },
    {
      slug: 'personal-care',
      name: 'Personal Care',
      code: 'PRC',
      count: 40,
      price: [190, 3990],
      lines: [
        { brands: ['Lifebuoy'], items: ['Antibacterial Body Wash', 'Hand Wash', 'Bar Soap'] },
        { brands: ['Sunsilk'], items: ['Smooth & Manageable Shampoo', 'Hijab Refresh Shampoo', 'Conditioner'] },
        { brands: ['Darlie'], items: ['Double Action Toothpaste', 'Charcoal Toothpaste'] },
        { brands: ['Mustika Ratu'], items: ['Lulur Body Scrub', 'Jamu Herbal Drink', 'Beras Kencur Face Mask'], attrs: { origin: 'Indonesia' } },
        { brands: ['Tiger Balm'], items: ['Red Ointment 19.4g', 'White Ointment 19.4g', 'Neck & Shoulder Rub'], attrs: { origin: 'Singapore' } },
        { brands: ['Axe Brand'], items: ['Universal Oil 10ml'], attrs: { origin: 'Singapore' } },
        { brands: ['Eagle Brand'], items: ['Medicated Oil 24ml'] },
      ],
      variants: [packs(['Single', 'Twin Pack', '3-Pack'], [1, 1.9, 2.7])],
      descriptions: [
        '{name}, a trusted household favourite across Southeast Asia.',
        'The {brand} {item}: everyday care the whole family can use.',
        'Keep a {brand} {item} at home, in the office and in your travel bag.',
      ],
      extras: ['For external use only where applicable.', 'Check the expiry date on the pack.'],
    },
    {
      slug: 'vitamins-supplements',
      name: 'Vitamins & Supplements',
      code: 'VIT',
      count: 40,
      price: [590, 9990],
      lines: [
        { brands: ['Blackmores'], items: ['Vitamin C 1000mg', 'Fish Oil 1000mg', 'Multivitamin', 'Calcium + Vitamin D3', 'Probiotics+'], variants: [tablets] },
        { brands: ['Redoxon'], items: ['Vitamin C + Zinc Effervescent', 'Vitamin C Chewable'], variants: [opts('count', ['10 Tablets', '30 Tablets'], [1, 2.6])] },
        { brands: ['Enervon'], items: ['Multivitamins + Vitamin C', 'Activ Energy'], variants: [tablets] },
        {
          brands: ['Sido Muncul'],
          items: ['Tolak Angin Herbal Syrup', 'Kuku Bima Energi', 'Tolak Linu Herbal Balm'],
          attrs: { origin: 'Indonesia' },
          variants: [packs(['Box of 5 Sachets', 'Box of 12 Sachets'], [1, 2.2])],
        },
        {
          brands: ["Brand's"],
          items: ['Essence of Chicken', 'Bird\'s Nest with Rock Sugar', 'Essence of Chicken with Cordyceps'],
          price: [1490, 9990],
          variants: [packs(['6 x 42ml', '12 x 42ml'], [1, 1.9])],
        },
        { brands: ['Eu Yan Sang'], items: ['Bak Foong Pills', 'Lingzhi Spore Capsules', 'Cordyceps Capsules'], price: [2990, 9990], variants: [tablets], attrs: { origin: 'Singapore' } },
      ],
      variants: [tablets],
      descriptions: [
        '{name} to support energy and immunity during busy weeks.',
        'The {brand} {item}: a daily supplement trusted by families in the region.',
        'A convenient {item} from {brand}, made in a GMP-certified facility.',
      ],
      extras: ['Take with food.', 'Consult a pharmacist if you are pregnant or on medication.'],
    },
  ],
};
